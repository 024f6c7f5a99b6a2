/**
 * Counts messages pulled but not yet settled, so the pull loop asks for more only when the
 * handlers have room: `waitBelow(n)` resolves once fewer than `n` are outstanding.
 */
export class MessageWindow {
  private outstanding = 0;
  private waiter?: { below: number; resolve: () => void };

  constructor(readonly size: number) {}

  get used(): number {
    return this.outstanding;
  }

  take(): void {
    this.outstanding++;
  }

  give(): void {
    this.outstanding--;
    if (this.waiter && this.outstanding < this.waiter.below) this.wake();
  }

  waitBelow(below: number): Promise<void> | void {
    if (this.outstanding < below) return;
    return new Promise((resolve) => (this.waiter = { below, resolve }));
  }

  /** Releases a waiting pull loop (on shutdown). */
  wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.resolve();
  }
}
