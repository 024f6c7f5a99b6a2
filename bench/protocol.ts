/**
 * What the orchestrator (`main.ts`) and a contender process exchange: the parameters go in as one
 * JSON argument, the result comes back as one JSON line on stdout. Both sides compile from this
 * file, so the shapes cannot drift apart.
 */

export const CONTENDERS = ['raw', 'jetbus', 'jetbus-novalidate', 'jetbus-encrypted', 'bullmq'] as const;
export type ContenderName = (typeof CONTENDERS)[number];

export const PHASES = ['enqueue', 'drain', 'latency'] as const;
export type Phase = (typeof PHASES)[number];

export interface ContenderParams {
  contender: ContenderName;
  /** The fresh server started for this run: `nats://127.0.0.1:PORT`, `redis://127.0.0.1:PORT` for bullmq. */
  url: string;
  /** Jobs enqueued and drained. */
  jobs: number;
  /** Jobs handled at once. */
  concurrency: number;
  /** Offered rate of the latency phase, in jobs/s. */
  rate: number;
  /** Measured part of the latency phase, in seconds. */
  durationS: number;
  /** Unrecorded start of the latency phase at the same rate, in seconds. */
  warmupS: number;
  phases: Phase[];
  /** jetbus only: class-validator on the handler's payload DTO. */
  validate: boolean;
  /** Record a V8 CPU profile of one phase's timed section into `file`. */
  profile?: { phase: Phase; file: string };
  /** Soak mode instead of phases: consume `jobs` jobs that someone else enqueues. */
  soak?: { jobs: number; sampleEveryMs: number };
}

/** Resources the contender process used during a section, or in total. */
export interface Usage {
  /** User + system CPU time. */
  cpuS: number;
  cpuUserS: number;
  cpuSystemS: number;
  /** Resident set at the end of the section. */
  rssMb: number;
  /** Peak resident set of the process so far (`resourceUsage().maxRSS`). */
  maxRssMb: number;
  heapUsedMb: number;
}

export interface ThroughputResult {
  jobs: number;
  seconds: number;
  jobsPerSec: number;
  cpuUsPerJob: number;
  usage: Usage;
}

/**
 * `seconds` and `jobsPerSec` run from the first job handled to the last: steady-state throughput.
 * Starting the consumer (jetbus: `JetbusServer.start()`, which also provisions) is `firstJobMs`.
 */
export interface DrainResult extends ThroughputResult {
  /** From the call that starts consuming to the first job handled. */
  firstJobMs: number;
  /** Deliveries beyond `jobs` seen until the consumer was settled (redeliveries). */
  extraDeliveries: number;
}

export interface LatencyResult {
  offeredRate: number;
  /** Jobs published per second of the phase, as the publisher managed to send them. */
  achievedRate: number;
  /** Jobs whose latency was recorded (the warm-up excluded). */
  samples: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  meanMs: number;
  cpuUsPerJob: number;
  usage: Usage;
}

export interface PhaseResults {
  enqueue?: ThroughputResult;
  drain?: DrainResult;
  latency?: LatencyResult;
}

export interface RssSample {
  tS: number;
  handled: number;
  rssMb: number;
  heapUsedMb: number;
}

export interface SoakWorkerResult {
  jobs: number;
  seconds: number;
  jobsPerSec: number;
  samples: RssSample[];
}

export interface ContenderResult {
  contender: ContenderName;
  /** From process start to connected and provisioned: module loading, connect, (jetbus) Nest bootstrap. */
  readyS: number;
  phases: PhaseResults;
  soak?: SoakWorkerResult;
  /** The whole process, boot included. */
  process: Usage;
}

/** Parses the JSON argument of a contender process; fails loudly on a harness bug. */
export function parseContenderParams(arg: string | undefined): ContenderParams {
  if (!arg) throw new Error('usage: node <contender>.js <params JSON> (see bench/protocol.ts)');
  const p = JSON.parse(arg) as ContenderParams;
  if (!CONTENDERS.includes(p.contender)) throw new Error(`unknown contender ${JSON.stringify(p.contender)}`);
  const scheme = p.contender === 'bullmq' ? 'redis://' : 'nats://';
  if (typeof p.url !== 'string' || !p.url.startsWith(scheme)) throw new Error(`params.url must be ${scheme}`);
  for (const key of ['jobs', 'concurrency', 'rate', 'durationS', 'warmupS'] as const) {
    if (typeof p[key] !== 'number' || !(p[key] >= 0)) throw new Error(`params.${key} must be a number >= 0`);
  }
  if (!Array.isArray(p.phases) || p.phases.some((ph) => !PHASES.includes(ph))) {
    throw new Error(`params.phases must list some of ${PHASES.join(', ')}`);
  }
  return p;
}
