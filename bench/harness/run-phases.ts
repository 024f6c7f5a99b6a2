import {
  type ContenderParams,
  type ContenderResult,
  type DrainResult,
  type LatencyResult,
  type Phase,
  type PhaseResults,
  type ThroughputResult,
  type Usage,
} from '../protocol';
import { percentile } from '../stats';
import { type BenchDriver } from './bench-driver';
import { makeJob, throughputJobs } from './job';
import { type JobSink } from './job-sink';
import { SectionProfiler } from './profiler';
import { offerAtRate } from './rate-driver';
import { markUsage, usageSince } from './usage';

/** A phase fails when no job was handled for this long. */
const STALL_MS = 15_000;
/** How long acks may take to reach the consumer's state after the last job was handled. */
const SETTLE_TIMEOUT_MS = 10_000;
const SETTLE_POLL_MS = 20;

interface Timed<T> {
  value: T;
  seconds: number;
  usage: Usage;
}

type TimeSection = <T>(phase: Phase, section: () => Promise<T>) => Promise<Timed<T>>;

/**
 * Runs the selected phases in order: enqueue, drain (of what enqueue stored), latency. Everything
 * that is not the phase itself (filling the stream, checking that every job was acked) stays
 * outside the timed section.
 */
export async function runPhases(
  driver: BenchDriver,
  sink: JobSink,
  params: ContenderParams,
): Promise<ContenderResult> {
  const has = (phase: Phase) => params.phases.includes(phase);
  const timed: TimeSection = (phase, section) => measure(phase, params, section);
  await driver.open();
  // performance.now() counts from process start, so module loading is included.
  const readyS = performance.now() / 1000;
  const phases: PhaseResults = {};

  if (has('enqueue')) {
    const t = await timed('enqueue', () => driver.publishBatch(throughputJobs(params.jobs)));
    phases.enqueue = throughput(params.jobs, t);
  } else if (has('drain')) {
    await driver.publishBatch(throughputJobs(params.jobs));
  }

  let consuming = false;
  if (has('drain')) {
    await driver.prepareConsumer();
    const before = sink.handled;
    sink.resetFirst();
    const t = await timed('drain', async () => {
      const started = performance.now();
      await driver.startConsumer();
      const doneAt = await sink.waitFor(before + params.jobs, STALL_MS);
      return { started, doneAt };
    });
    consuming = true;
    await waitSettled(driver);
    phases.drain = drainResult(params.jobs, t, sink.firstHandledAt!, sink.handled - before - params.jobs);
  }

  if (has('latency')) {
    if (!consuming) {
      if (has('enqueue')) await driver.purge();
      await driver.prepareConsumer();
      await driver.startConsumer();
    }
    phases.latency = await latency(driver, sink, params, timed);
  }

  await driver.close();
  return { contender: params.contender, readyS, phases, process: usageSince() };
}

async function latency(
  driver: BenchDriver,
  sink: JobSink,
  params: ContenderParams,
  timed: TimeSection,
): Promise<LatencyResult> {
  const warmup = Math.round(params.rate * params.warmupS);
  const measured = Math.round(params.rate * params.durationS);
  const before = sink.handled;
  sink.takeLatencies();
  const t = await timed('latency', async () => {
    // Warm-up jobs get negative indexes, which the sink does not record.
    const offered = await offerAtRate(params.rate, warmup + measured, (i) =>
      driver.publishOne(makeJob(i - warmup, performance.now())),
    );
    await sink.waitFor(before + warmup + measured, STALL_MS);
    return offered;
  });
  const samples = sink.takeLatencies().sort((a, b) => a - b);
  if (samples.length !== measured) {
    throw new Error(`latency: recorded ${samples.length} of ${measured} jobs (redelivered or lost)`);
  }
  await waitSettled(driver);
  return {
    offeredRate: params.rate,
    achievedRate: t.value.sent / t.value.seconds,
    samples: samples.length,
    p50Ms: percentile(samples, 50),
    p90Ms: percentile(samples, 90),
    p99Ms: percentile(samples, 99),
    p999Ms: percentile(samples, 99.9),
    maxMs: samples[samples.length - 1] ?? 0,
    meanMs: samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length),
    cpuUsPerJob: (t.usage.cpuS * 1e6) / (warmup + measured),
    usage: t.usage,
  };
}

/** Times a section, with its CPU and memory; profiles it when asked to. */
async function measure<T>(
  phase: Phase,
  params: ContenderParams,
  section: () => Promise<T>,
): Promise<Timed<T>> {
  const profiler = params.profile?.phase === phase ? new SectionProfiler() : undefined;
  await profiler?.start();
  const mark = markUsage();
  const start = performance.now();
  const value = await section();
  const seconds = (performance.now() - start) / 1000;
  const usage = usageSince(mark);
  if (profiler && params.profile) await profiler.stop(params.profile.file);
  return { value, seconds, usage };
}

function throughput(jobs: number, t: Timed<unknown>): ThroughputResult {
  return {
    jobs,
    seconds: t.seconds,
    jobsPerSec: jobs / t.seconds,
    cpuUsPerJob: (t.usage.cpuS * 1e6) / jobs,
    usage: t.usage,
  };
}

function drainResult(
  jobs: number,
  t: Timed<{ started: number; doneAt: number }>,
  firstAt: number,
  extraDeliveries: number,
): DrainResult {
  const seconds = (t.value.doneAt - firstAt) / 1000;
  return {
    jobs,
    seconds,
    // n jobs are n - 1 intervals between the first and the last.
    jobsPerSec: seconds > 0 ? (jobs - 1) / seconds : jobs / t.seconds,
    cpuUsPerJob: (t.usage.cpuS * 1e6) / jobs,
    usage: t.usage,
    firstJobMs: firstAt - t.value.started,
    extraDeliveries,
  };
}

/** Every handled job must also be acked: nothing pending, nothing waiting for an ack. */
export async function waitSettled(driver: BenchDriver): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const state = await driver.consumerState();
    if (state.pending === 0 && state.ackPending === 0) return;
    if (Date.now() >= deadline) {
      throw new Error(
        `consumer not settled after ${SETTLE_TIMEOUT_MS} ms: ${state.pending} pending, ${state.ackPending} unacked`,
      );
    }
    await new Promise((r) => setTimeout(r, SETTLE_POLL_MS));
  }
}
