/**
 * Bounds outstanding PubAcks: `acquire()` waits while `size` are in flight and lets the producer
 * continue once half of them came back. Refilling at half keeps the pipe full without waking the
 * producer for every single ack.
 */
export class PubAckWindow {
  private inFlight = 0;
  private waiter?: () => void;

  constructor(private readonly size: number) {}

  /** `undefined` when a slot is free: the caller goes on in the same tick, so nats.js batches the writes. */
  acquire(): Promise<void> | undefined {
    if (this.inFlight < this.size) {
      this.inFlight++;
      return undefined;
    }
    return new Promise<void>((resolve) => (this.waiter = resolve)).then(() => {
      this.inFlight++;
    });
  }

  release(): void {
    this.inFlight--;
    if (this.waiter && this.inFlight <= this.size >> 1) {
      const wake = this.waiter;
      this.waiter = undefined;
      wake();
    }
  }

  /** Resolves when nothing is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight > 0) {
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }
}
