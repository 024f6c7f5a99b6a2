/** A counting semaphore: at most `permits` holders at once; waiters are served in order. */
export class Semaphore {
  private held = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly permits: number) {}

  get inUse(): number {
    return this.held;
  }

  /** `undefined` when a permit was free (no await needed on the hot path), else a promise of one. */
  acquire(): Promise<void> | undefined {
    if (this.held < this.permits) {
      this.held++;
      return undefined;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held--;
  }

  /** Lets every waiter through regardless of permits; for shutdown, where a waiter only naks. */
  releaseWaiters(): void {
    for (const wake of this.waiters.splice(0)) {
      this.held++;
      wake();
    }
  }
}
