import { type BenchJob } from './job';

/** Fails a wait when no job arrived for this long: a stalled consumer must not hang the bench. */
const STALL_CHECK_EVERY_MS = 1_000;

/**
 * What the no-op handler of every contender calls: counts handled jobs and records the end-to-end
 * latency of latency jobs. Both contenders pay exactly this per job.
 */
export class JobSink {
  private count = 0;
  private firstAt?: number;
  private latencies: number[] = [];
  private waiter?: { count: number; resolve: (at: number) => void };

  get handled(): number {
    return this.count;
  }

  /** `performance.now()` of the first job handled since `resetFirst()`. */
  get firstHandledAt(): number | undefined {
    return this.firstAt;
  }

  resetFirst(): void {
    this.firstAt = undefined;
  }

  record(job: BenchJob): void {
    this.count++;
    this.firstAt ??= performance.now();
    if (job.sentAt > 0 && job.n >= 0) this.latencies.push(performance.now() - job.sentAt);
    if (this.waiter && this.count >= this.waiter.count) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve(performance.now());
    }
  }

  /** Latencies recorded since the last call, in ms. */
  takeLatencies(): number[] {
    const taken = this.latencies;
    this.latencies = [];
    return taken;
  }

  /**
   * Resolves with the `performance.now()` at which `count` jobs in total had been handled;
   * rejects when none arrives for `stallMs`.
   */
  waitFor(count: number, stallMs: number): Promise<number> {
    if (this.count >= count) return Promise.resolve(performance.now());
    return new Promise((resolve, reject) => {
      let last = this.count;
      let lastProgress = Date.now();
      const check = setInterval(() => {
        if (this.count !== last) {
          last = this.count;
          lastProgress = Date.now();
        } else if (Date.now() - lastProgress >= stallMs) {
          clearInterval(check);
          this.waiter = undefined;
          reject(
            new Error(`stalled: ${this.count} of ${count} jobs handled, none in the last ${stallMs} ms`),
          );
        }
      }, STALL_CHECK_EVERY_MS);
      this.waiter = {
        count,
        resolve: (at) => {
          clearInterval(check);
          resolve(at);
        },
      };
    });
  }
}
