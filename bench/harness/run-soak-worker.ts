import { type ContenderParams, type ContenderResult, type RssSample } from '../protocol';
import { type BenchDriver } from './bench-driver';
import { type JobSink } from './job-sink';
import { waitSettled } from './run-phases';
import { usageSince } from './usage';

/** Jobs arrive only as fast as the producer refills the stream; allow it long pauses. */
const SOAK_STALL_MS = 60_000;

/** Present when the process runs with `--expose-gc`. */
const forceGc = (globalThis as { gc?: () => void }).gc;

/**
 * Consumes `jobs` jobs that the orchestrator enqueues in chunks, sampling memory on a fixed
 * period, so a leak shows as RSS and heap growing with the number of jobs handled. Each sample
 * follows a full GC when one can be forced: garbage not yet collected would hide a slow leak
 * under the collector's sawtooth.
 */
export async function runSoakWorker(
  driver: BenchDriver,
  sink: JobSink,
  params: ContenderParams,
  soak: { jobs: number; sampleEveryMs: number },
): Promise<ContenderResult> {
  await driver.open();
  // performance.now() counts from process start, so module loading is included.
  const readyS = performance.now() / 1000;
  await driver.prepareConsumer();

  const samples: RssSample[] = [];
  const start = performance.now();
  const sample = () => {
    forceGc?.();
    const u = usageSince();
    samples.push({
      tS: (performance.now() - start) / 1000,
      handled: sink.handled,
      rssMb: u.rssMb,
      heapUsedMb: u.heapUsedMb,
    });
  };
  sample();
  const timer = setInterval(sample, soak.sampleEveryMs);
  try {
    await driver.startConsumer();
    await sink.waitFor(soak.jobs, SOAK_STALL_MS);
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - start) / 1000;
  sample();
  await waitSettled(driver);
  await driver.close();
  return {
    contender: params.contender,
    readyS,
    phases: {},
    soak: { jobs: soak.jobs, seconds, jobsPerSec: soak.jobs / seconds, samples },
    process: usageSince(),
  };
}
