/**
 * One per process: jobs run shared (any number at once) or exclusive (alone, with every other
 * job of every handler in this process finished first and none started until it ends). A suspect
 * job, whose previous delivery died with its worker, runs exclusive, so if it kills the process
 * again it alone is blamed. Entering shared is synchronous while no exclusive run is due: the
 * common path costs nothing.
 */
export class IsolationGate {
  private shared = 0;
  private exclusive = false;
  private exclusiveQueue: (() => void)[] = [];
  private sharedQueue: (() => void)[] = [];

  /** Undefined when entered at once, else a promise that resolves once entered. */
  enterShared(): Promise<void> | undefined {
    if (!this.exclusive && this.exclusiveQueue.length === 0) {
      this.shared++;
      return undefined;
    }
    return new Promise((resolve) =>
      this.sharedQueue.push(() => {
        this.shared++;
        resolve();
      }),
    );
  }

  leaveShared(): void {
    this.shared--;
    this.next();
  }

  /**
   * Resolves true once every shared run has left and no other exclusive run is in progress, or
   * false after `timeoutMs` (a shared job that never ends must not stall the process for good).
   */
  enterExclusive(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const enter = () => {
        clearTimeout(timer);
        this.exclusive = true;
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.exclusiveQueue = this.exclusiveQueue.filter((e) => e !== enter);
        this.next();
        resolve(false);
      }, timeoutMs);
      this.exclusiveQueue.push(enter);
      this.next();
    });
  }

  leaveExclusive(): void {
    this.exclusive = false;
    this.next();
  }

  /** Exclusive runs first (one at a time, once the shared ones drained), then everyone waiting shared. */
  private next(): void {
    if (this.exclusive) return;
    if (this.exclusiveQueue.length > 0) {
      if (this.shared === 0) this.exclusiveQueue.shift()!();
      return;
    }
    for (const enter of this.sharedQueue.splice(0)) enter();
  }
}
