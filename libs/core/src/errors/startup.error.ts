import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * A JetStream request a worker makes while it starts (finding or creating a stream or consumer,
 * binding a consumer, opening a KV bucket) failed for a reason that is not a bad option: JetStream
 * did not answer, even after waiting out a leader election, or answered with an error. `step` names
 * the request and what it was about (`create consumer ORDERS/orders-run`); `cause` is what nats.js
 * threw.
 */
export class StartupError extends JetbusError {
  constructor(
    readonly step: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(JetbusErrorCodes.Startup, `jetbus startup: ${step} failed: ${detail}`, options);
  }
}
