/** Waits `ms`, or less when `signal` aborts (it never rejects: the caller checks the signal). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Spaces calls `1000 / ratePerSecond` ms apart. It never lets a caller that fell behind catch up
 * with a burst: the next slot is counted from now when the last one has passed.
 */
export class Pacer {
  private next = Number.NEGATIVE_INFINITY;
  private readonly intervalMs: number;

  constructor(
    ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = pause,
  ) {
    this.intervalMs = 1000 / ratePerSecond;
  }

  /** Resolves when the next call may go (at once for the first); early if `signal` aborts. */
  async wait(signal?: AbortSignal): Promise<void> {
    const now = this.now();
    if (this.next > now) await this.sleep(this.next - now, signal);
    this.next = Math.max(now, this.next) + this.intervalMs;
  }
}
