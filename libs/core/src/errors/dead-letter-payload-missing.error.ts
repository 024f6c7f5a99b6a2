import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * A dead letter whose payload (or header block) is kept outside it (object store, source stream)
 * and is gone from there.
 */
export class DeadLetterPayloadMissingError extends JetbusError {
  constructor(
    readonly dlqSeq: number,
    /** Where the payload was expected, for people. */
    readonly where: string,
    /** What is missing. @default 'payload' */
    readonly what: 'payload' | 'header block' = 'payload',
  ) {
    super(
      JetbusErrorCodes.DeadLetterPayloadMissing,
      `the ${what} of dead letter ${dlqSeq} is no longer there (${where})`,
    );
  }
}
