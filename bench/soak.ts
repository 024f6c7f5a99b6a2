import { type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { NatsServer } from '@jetbus/testing';
import { type BenchOptions } from './args';
import { benchStreamConfig } from './harness/bench-stream';
import { CountingWindow } from './harness/counting-window';
import { BENCH_STREAM, BENCH_SUBJECT, PUBLISH_WINDOW, makeJob } from './harness/job';
import { processCpuSeconds } from './process-cpu';
import { type ContenderParams, type RssSample } from './protocol';
import { formatNumber } from './report';
import { runContender } from './run-contender';
import { linearSlope, max } from './stats';

/** Jobs enqueued at a time; the stream never holds more than two chunks. */
const SOAK_CHUNK = 10_000;
const SOAK_SAMPLE_EVERY_MS = 1_000;
const BACKLOG_POLL_MS = 50;
/** Growth before this share of the jobs is warm-up (JIT, pools, buffers), not a leak. */
const SOAK_WARMUP_SHARE = 0.2;
const PER_JOBS = 100_000;

interface MemorySeries {
  startMb: number;
  endMb: number;
  maxMb: number;
  /** Least-squares growth per 100k jobs after the warm-up. */
  slopeMbPer100k: number;
}

export interface SoakReport {
  jobs: number;
  concurrency: number;
  seconds: number;
  jobsPerSec: number;
  warmupJobs: number;
  rss: MemorySeries;
  heapUsed: MemorySeries;
  /** Peak RSS of the worker process (`resourceUsage().maxRSS`). */
  maxRssMb: number;
  workerCpuS: number;
  serverCpuS: number | undefined;
  samples: RssSample[];
}

/**
 * One jetbus worker process handles `jobs` jobs that this process enqueues in chunks, so the
 * stream stays small however long the soak runs; the worker samples its memory every second,
 * each time after a full GC (`--expose-gc`), so the samples show live memory rather than the
 * collector's sawtooth.
 */
export async function runSoak(options: BenchOptions, jobs: number): Promise<SoakReport> {
  const server = await NatsServer.start();
  try {
    const nc = await connect({ servers: server.url, name: 'bench-soak-producer', noAsyncTraces: true });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add(benchStreamConfig());
    const params: ContenderParams = {
      contender: 'jetbus',
      url: server.url,
      jobs,
      concurrency: options.concurrency,
      rate: options.rate,
      durationS: 0,
      warmupS: 0,
      phases: [],
      validate: true,
      soak: { jobs, sampleEveryMs: SOAK_SAMPLE_EVERY_MS },
    };
    // At least 1,000 jobs/s, or something is wrong.
    const worker = runContender(params, Math.max(300_000, jobs), ['--expose-gc']);
    // A producer failure must not leave the worker waiting for jobs that never come.
    const produced = produce(nc, jsm, jobs);
    const [result] = await Promise.all([worker, produced]);
    const serverCpuS = processCpuSeconds(server.pid);
    await nc.drain();
    const soak = result.soak!;
    const warmupJobs = Math.round(jobs * SOAK_WARMUP_SHARE);
    return {
      jobs,
      concurrency: options.concurrency,
      seconds: soak.seconds,
      jobsPerSec: soak.jobsPerSec,
      warmupJobs,
      rss: series(soak.samples, warmupJobs, (s) => s.rssMb),
      heapUsed: series(soak.samples, warmupJobs, (s) => s.heapUsedMb),
      maxRssMb: result.process.maxRssMb,
      workerCpuS: result.process.cpuS,
      serverCpuS,
      samples: soak.samples,
    };
  } finally {
    await server.stop();
  }
}

async function produce(nc: NatsConnection, jsm: JetStreamManager, jobs: number): Promise<void> {
  const js = jetstream(nc);
  const window = new CountingWindow(PUBLISH_WINDOW, PUBLISH_WINDOW / 2);
  let failure: unknown;
  const release = () => window.release();
  for (let n = 0; n < jobs && failure === undefined; n++) {
    if (n % SOAK_CHUNK === 0) {
      while ((await jsm.streams.info(BENCH_STREAM)).state.messages > SOAK_CHUNK) {
        await new Promise((r) => setTimeout(r, BACKLOG_POLL_MS));
      }
    }
    const wait = window.acquire();
    if (wait) await wait;
    js.publish(BENCH_SUBJECT, JSON.stringify(makeJob(n))).then(release, (e: unknown) => {
      failure ??= e;
      release();
    });
  }
  await window.idle();
  if (failure !== undefined) throw failure;
}

function series(samples: RssSample[], warmupJobs: number, pick: (s: RssSample) => number): MemorySeries {
  const steady = samples.filter((s) => s.handled >= warmupJobs);
  const values = samples.map(pick);
  return {
    startMb: values[0],
    endMb: values[values.length - 1],
    maxMb: max(values),
    slopeMbPer100k:
      linearSlope(
        steady.map((s) => s.handled),
        steady.map(pick),
      ) * PER_JOBS,
  };
}

export function formatSoak(r: SoakReport): string {
  const mem = (name: string, s: MemorySeries) =>
    `  ${name.padEnd(9)} start ${formatNumber(s.startMb, 1)} MB  end ${formatNumber(s.endMb, 1)} MB  ` +
    `max ${formatNumber(s.maxMb, 1)} MB  slope ${formatNumber(s.slopeMbPer100k, 2)} MB per 100k jobs`;
  return [
    `soak: ${r.jobs.toLocaleString('en-US')} jobs through one jetbus worker (concurrency ${r.concurrency}, validation on) ` +
      `in ${formatNumber(r.seconds, 1)} s = ${formatNumber(r.jobsPerSec, 0)} jobs/s`,
    mem('RSS', r.rss),
    mem('heapUsed', r.heapUsed),
    `  peak RSS ${formatNumber(r.maxRssMb, 1)} MB; worker CPU ${formatNumber(r.workerCpuS, 1)} s` +
      (r.serverCpuS === undefined ? '' : `, nats-server CPU ${formatNumber(r.serverCpuS, 1)} s`) +
      `; slope over the jobs after the first ${r.warmupJobs.toLocaleString('en-US')} (warm-up), ` +
      `${r.samples.length} samples`,
  ].join('\n');
}
