/** A cluster did not reach a healthy JetStream state (meta leader, stream and consumer leaders) in time. */
export class NatsClusterNotReadyError extends Error {
  constructor(
    readonly timeoutMs: number,
    /** What was still missing at the last check. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`NATS cluster not ready after ${timeoutMs} ms: ${reason}`, options);
    this.name = new.target.name;
  }
}
