import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/** The live durable consumer differs from the declared one in a way NATS cannot update in place. */
export class ConsumerDriftError extends JetbusError {
  constructor(
    readonly stream: string,
    readonly durable: string,
    readonly declared: Record<string, unknown>,
    readonly live: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(
      JetbusErrorCodes.ConsumerDrift,
      `consumer ${stream}/${durable} exists with a different config that cannot be updated in place: ` +
        `declared ${JSON.stringify(declared)}, live ${JSON.stringify(live)}; ` +
        `delete the consumer (pending acks are lost) or pick another durable name`,
      options,
    );
  }
}
