import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/** A dead letter whose payload is kept outside it (object store, source stream) and is gone from there. */
export class DeadLetterPayloadMissingError extends JetbusError {
  constructor(
    readonly dlqSeq: number,
    /** Where the payload was expected, for people. */
    readonly where: string,
  ) {
    super(
      JetbusErrorCodes.DeadLetterPayloadMissing,
      `the payload of dead letter ${dlqSeq} is no longer there (${where})`,
    );
  }
}
