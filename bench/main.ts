import { mkdtemp, mkdir } from 'node:fs/promises';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { NatsServer } from '@jetbus/testing';
import { BenchArgsError, type BenchOptions, USAGE, parseBenchArgs } from './args';
import { type RunRecord, ratiosToRaw, summarize } from './metrics';
import { formatProfileSummary, type ProfileSummary, summarizeProfiles } from './profile-summary';
import { processCpuSeconds } from './process-cpu';
import { type ContenderName, type ContenderParams, type Phase } from './protocol';
import { type BenchMeta, formatHeader, formatRun, formatSummary, writeJson } from './report';
import { runContender } from './run-contender';
import { RedisServer, redisServerVersion } from './redis-server';
import { formatSoak, runSoak } from './soak';
import { formatLateness, runLateness } from './lateness';
import { formatScale, runScale } from './scale';

/** Boot and teardown of one contender process, beyond the time its phases take. */
const RUN_OVERHEAD_MS = 60_000;
/** Slowest throughput still worth waiting for, jobs/s; below it a run is considered hung. */
const MIN_JOBS_PER_SEC = 500;

async function collectMeta(options: BenchOptions): Promise<BenchMeta> {
  const probe = await NatsServer.start();
  try {
    return {
      startedAt: new Date().toISOString(),
      node: process.version,
      natsServer: probe.version(),
      ...(options.contenders.includes('bullmq') ? bullmqVersions() : {}),
      platform: `${platform()} ${release()}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      totalMemMb: Math.round(totalmem() / 1024 / 1024),
      loadAvg: loadavg(),
    };
  } finally {
    await probe.stop();
  }
}

function bullmqVersions(): Pick<BenchMeta, 'redisServer' | 'bullmq'> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- its package.json holds the version
  const { version } = require('bullmq/package.json') as { version: string };
  return { redisServer: redisServerVersion(), bullmq: version };
}

/** A fresh server of the contender's kind: redis-server for BullMQ, nats-server for the others. */
const startServer = (contender: ContenderName): Promise<NatsServer | RedisServer> =>
  contender === 'bullmq' ? RedisServer.start() : NatsServer.start();

/** Runs one contender on a server of its own, started for this run and stopped after it. */
async function runOnFreshServer(
  options: BenchOptions,
  contender: ContenderName,
  round: number,
  profileDir: string | undefined,
): Promise<RunRecord> {
  const started = performance.now();
  const server = await startServer(contender);
  try {
    const params: ContenderParams = {
      contender,
      url: server.url,
      jobs: options.jobs,
      concurrency: options.concurrency,
      rate: options.rate,
      durationS: options.durationS,
      warmupS: options.warmupS,
      phases: options.phases,
      validate: contender === 'jetbus' || contender === 'jetbus-encrypted',
    };
    if (options.profile && profileDir) {
      params.profile = {
        phase: options.profile,
        file: join(profileDir, `${contender}-${options.profile}-r${round}.cpuprofile`),
      };
    }
    const timeoutMs =
      RUN_OVERHEAD_MS +
      ((2 * options.jobs) / MIN_JOBS_PER_SEC) * 1000 +
      (options.durationS + options.warmupS) * 1000;
    const result = await runContender(params, timeoutMs);
    const serverCpuS = processCpuSeconds(server.pid);
    await server.stop();
    return { round, contender, wallS: (performance.now() - started) / 1000, serverCpuS, result };
  } finally {
    await server.stop();
  }
}

/** Jobs handled in the profiled phase over all of a contender's runs, for µs per job. */
function profiledJobs(runs: RunRecord[], contender: ContenderName, phase: Phase): number | undefined {
  let jobs = 0;
  for (const r of runs.filter((run) => run.contender === contender)) {
    const p = r.result.phases;
    const n = phase === 'latency' ? p.latency?.samples : p[phase]?.jobs;
    if (n === undefined) return undefined;
    jobs += n;
  }
  return jobs;
}

async function runRounds(options: BenchOptions, meta: BenchMeta): Promise<void> {
  console.log(formatHeader(options, meta));
  let profileDir: string | undefined;
  if (options.profile) {
    profileDir = options.profileDir
      ? resolve(options.profileDir)
      : await mkdtemp(join(tmpdir(), 'jetbus-bench-profiles-'));
    await mkdir(profileDir, { recursive: true });
  }
  const runs: RunRecord[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    // Contenders alternate within every round, so drift over the run (thermal, other load) hits all.
    for (const contender of options.contenders) {
      const run = await runOnFreshServer(options, contender, round, profileDir);
      runs.push(run);
      console.log(formatRun(run, options.rounds));
    }
  }
  const summary = summarize(runs, options.contenders);
  const ratios = ratiosToRaw(summary);
  console.log(
    `\nmedian (min–max) over ${options.rounds} round(s); ratios are medians over raw's:\n` +
      formatSummary(options.contenders, summary, ratios),
  );

  const profiles: Partial<Record<ContenderName, ProfileSummary>> = {};
  if (options.profile && profileDir) {
    for (const c of options.contenders) {
      const files = runs
        .filter((r) => r.contender === c)
        .map((r) => join(profileDir, `${c}-${options.profile}-r${r.round}.cpuprofile`));
      const s = await summarizeProfiles(files);
      profiles[c] = s;
      const jobs = profiledJobs(runs, c, options.profile);
      console.log(`\n${formatProfileSummary(`CPU profile of ${c} ${options.profile}`, s, jobs)}`);
    }
    console.log(`\nprofiles (open in Chrome DevTools > Performance): ${profileDir}`);
  }
  await writeJson(options.out, { meta, options, runs, summary, ratios, profiles });
  console.log(`\nresults: ${resolve(options.out)}`);
}

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const meta = await collectMeta(options);
  if (options.lateness !== undefined) {
    const lateness = await runLateness(options.lateness);
    console.log(formatLateness(lateness));
    await writeJson(options.out, { meta, options, lateness });
    console.log(`\nresults: ${resolve(options.out)}`);
    return;
  }
  if (options.scale !== undefined) {
    const scale = await runScale(options.scale, options.concurrency);
    console.log(`\n${formatScale(scale)}`);
    await writeJson(options.out, { meta, options, scale });
    console.log(`\nresults: ${resolve(options.out)}`);
    return;
  }
  if (options.soak !== undefined) {
    const soak = await runSoak(options, options.soak);
    console.log(formatSoak(soak));
    await writeJson(options.out, { meta, options, soak });
    console.log(`\nresults: ${resolve(options.out)}`);
    return;
  }
  await runRounds(options, meta);
}

// Exiting through process.exit() runs @jetbus/testing's exit hook, which kills servers still up.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

main().then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof BenchArgsError) console.error(`${err.message}\n\n${USAGE}`);
    else console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
