/**
 * At most `size` operations in flight. `acquire()` waits while the window is full and lets the
 * caller go on once no more than `resumeAt` remain: half the window for PubAcks (fewer, larger
 * refills), `size - 1` for handler slots (start the next job as soon as one ends).
 */
export class CountingWindow {
  private inFlight = 0;
  private waiter?: { resumeAt: number; resolve: () => void };

  constructor(
    private readonly size: number,
    private readonly resumeAt: number,
  ) {}

  /** `undefined` when a slot is free, so the hot path need not await. */
  acquire(): Promise<void> | undefined {
    if (this.inFlight < this.size) {
      this.inFlight++;
      return undefined;
    }
    return this.waitFor(this.resumeAt).then(() => {
      this.inFlight++;
    });
  }

  release(): void {
    this.inFlight--;
    if (this.waiter && this.inFlight <= this.waiter.resumeAt) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve();
    }
  }

  /** Resolves when nothing is in flight. */
  idle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : this.waitFor(0);
  }

  private waitFor(resumeAt: number): Promise<void> {
    return new Promise((resolve) => (this.waiter = { resumeAt, resolve }));
  }
}
