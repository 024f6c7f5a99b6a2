import { parseArgs } from 'node:util';
import { CONTENDERS, type ContenderName, PHASES, type Phase } from './protocol';

export interface BenchOptions {
  jobs: number;
  concurrency: number;
  rounds: number;
  /** Offered rate of the latency phase, jobs/s. */
  rate: number;
  durationS: number;
  warmupS: number;
  contenders: ContenderName[];
  phases: Phase[];
  out: string;
  /** Run the soak with this many jobs instead of the rounds. */
  soak: number | undefined;
  /** Instead of the rounds: release lateness of this many delayed jobs (delays 0–10 s). */
  lateness: number | undefined;
  /** Instead of the rounds: this many jobs drained by 1, 2 and 4 worker processes, 1 server and a 3-node cluster. */
  scale: number | undefined;
  /** Record a CPU profile of this phase in every run. */
  profile: Phase | undefined;
  profileDir: string | undefined;
  help: boolean;
}

export const DEFAULTS = {
  jobs: 50_000,
  concurrency: 64,
  rounds: 5,
  rate: 2_000,
  durationS: 5,
  warmupS: 0.5,
  contenders: [...CONTENDERS],
  phases: [...PHASES],
  out: 'bench-results.json',
} as const;

/** What `--quick` changes, unless the same option is also given. */
export const QUICK = { jobs: 10_000, rounds: 2, durationS: 2 } as const;

export const USAGE = `Usage: npm run bench -- [options]

  --jobs N           jobs enqueued and drained per run (default ${DEFAULTS.jobs})
  --concurrency N    jobs handled at once (default ${DEFAULTS.concurrency})
  --rounds N         rounds; each runs every contender once on a fresh server (default ${DEFAULTS.rounds})
  --rate N           offered rate of the latency phase, jobs/s (default ${DEFAULTS.rate})
  --duration S       measured seconds of the latency phase (default ${DEFAULTS.durationS})
  --warmup S         unrecorded seconds before it (default ${DEFAULTS.warmupS})
  --contenders LIST  comma-separated, of ${CONTENDERS.join(', ')} (default all)
  --phases LIST      comma-separated, of ${PHASES.join(', ')} (default all)
  --out FILE         JSON with every run and the medians (default ${DEFAULTS.out})
  --quick            ${QUICK.jobs} jobs, ${QUICK.rounds} rounds, ${QUICK.durationS} s latency: a fast check
  --soak N           instead of the rounds: one jetbus worker handles N jobs; reports RSS over time
  --lateness N       instead of the rounds: N delayed jobs (0–10 s) released by 3 workers; lateness percentiles
  --scale N          instead of the rounds: N jobs drained by 1, 2 and 4 worker processes, on one server and a 3-node cluster
  --profile PHASE    write a V8 CPU profile of PHASE's timed section in each run, and summarize it
  --profile-dir DIR  where profiles go (default: a new temp dir)
  --help`;

export class BenchArgsError extends Error {
  override name = 'BenchArgsError';
}

function number(
  option: string,
  raw: string | undefined,
  fallback: number,
  { integer = false, zero = false } = {},
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (
    !Number.isFinite(value) ||
    value < 0 ||
    (value === 0 && !zero) ||
    (integer && !Number.isInteger(value))
  ) {
    const what = `${zero ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}`;
    throw new BenchArgsError(`--${option} must be a ${what}, got "${raw}"`);
  }
  return value;
}

function list<T extends string>(
  option: string,
  raw: string | undefined,
  allowed: readonly T[],
  fallback: T[],
): T[] {
  if (raw === undefined) return fallback;
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = items.filter((s) => !(allowed as readonly string[]).includes(s));
  if (items.length === 0 || unknown.length > 0) {
    throw new BenchArgsError(
      `--${option} takes a comma-separated list of ${allowed.join(', ')}, got "${raw}"`,
    );
  }
  return [...new Set(items as T[])];
}

const OPTIONS = {
  jobs: { type: 'string' },
  concurrency: { type: 'string' },
  rounds: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  contenders: { type: 'string' },
  phases: { type: 'string' },
  out: { type: 'string' },
  quick: { type: 'boolean' },
  soak: { type: 'string' },
  lateness: { type: 'string' },
  scale: { type: 'string' },
  profile: { type: 'string' },
  'profile-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseValues(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new BenchArgsError((e as Error).message);
  }
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  const values = parseValues(argv);
  const quick = values.quick === true;
  const profile = values.profile === undefined ? undefined : list('profile', values.profile, PHASES, []);
  if (profile && profile.length !== 1) throw new BenchArgsError('--profile takes one phase');
  return {
    jobs: number('jobs', values.jobs, quick ? QUICK.jobs : DEFAULTS.jobs, { integer: true }),
    concurrency: number('concurrency', values.concurrency, DEFAULTS.concurrency, { integer: true }),
    rounds: number('rounds', values.rounds, quick ? QUICK.rounds : DEFAULTS.rounds, { integer: true }),
    rate: number('rate', values.rate, DEFAULTS.rate),
    durationS: number('duration', values.duration, quick ? QUICK.durationS : DEFAULTS.durationS),
    warmupS: number('warmup', values.warmup, DEFAULTS.warmupS, { zero: true }),
    contenders: list('contenders', values.contenders, CONTENDERS, [...DEFAULTS.contenders]),
    phases: list('phases', values.phases, PHASES, [...DEFAULTS.phases]),
    out: values.out ?? DEFAULTS.out,
    soak: values.soak === undefined ? undefined : number('soak', values.soak, 0, { integer: true }),
    lateness:
      values.lateness === undefined ? undefined : number('lateness', values.lateness, 0, { integer: true }),
    scale: values.scale === undefined ? undefined : number('scale', values.scale, 0, { integer: true }),
    profile: profile?.[0],
    profileDir: values['profile-dir'],
    help: values.help === true,
  };
}
