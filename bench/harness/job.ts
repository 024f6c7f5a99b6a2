/** The job every contender publishes and handles, and where it lives on the server. */

export const BENCH_STREAM = 'BENCH';
export const BENCH_STREAM_SUBJECTS = ['bench.>'];
export const BENCH_SUBJECT = 'bench.job';
/** One durable for every contender, so both get the same consumer configuration. */
export const BENCH_DURABLE = 'bench-worker';
/** Outstanding PubAcks while enqueueing; measured best for the raw client (see ARCHITECTURE.md). */
export const PUBLISH_WINDOW = 256;
/** Messages pulled ahead of the handlers. */
export const PREFETCH = 256;
/** Encoded size of a throughput job. */
export const JOB_BYTES = 100;

export interface BenchJob {
  id: string;
  /** Index of the job; negative for latency warm-up jobs, which are not recorded. */
  n: number;
  /** `performance.now()` when a latency job was published; 0 for throughput jobs. */
  sentAt: number;
  pad: string;
}

const PAD = 'x'.repeat(JOB_BYTES - JSON.stringify({ id: 'job-25000', n: 25000, sentAt: 0, pad: '' }).length);

export function makeJob(n: number, sentAt = 0): BenchJob {
  return { id: `job-${n}`, n, sentAt, pad: PAD };
}

/** Throughput jobs, built as they are published so that both contenders pay for building them. */
export function* throughputJobs(count: number): Generator<BenchJob> {
  for (let n = 0; n < count; n++) yield makeJob(n);
}
