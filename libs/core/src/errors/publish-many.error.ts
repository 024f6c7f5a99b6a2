import { type PubAck } from '@nats-io/jetstream';
import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * Some messages of a `publishMany` batch were not confirmed. `acks[i]` is set for every message the
 * server confirmed; `failures` lists the others; messages after the first failure were not sent.
 */
export class PublishManyError extends JetbusError {
  constructor(
    readonly acks: (PubAck | undefined)[],
    readonly failures: { index: number; error: JetbusError }[],
    readonly notSent: number,
  ) {
    const confirmed = acks.filter(Boolean).length;
    super(
      JetbusErrorCodes.PublishFailed,
      `publishMany: ${confirmed} confirmed, ${failures.length} failed, ${notSent} not sent; first failure at #${failures[0]?.index}: ${failures[0]?.error.message}`,
      { cause: failures[0]?.error },
    );
  }
}
