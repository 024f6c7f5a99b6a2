import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * The stream refused the message because a limit was hit (max msgs / bytes / per subject with
 * discard: new, or the account's JetStream quota). Messages already stored are unaffected.
 */
export class StreamLimitError extends JetbusError {
  constructor(
    readonly subject: string,
    readonly apiCode: number | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(JetbusErrorCodes.StreamLimit, `stream refused "${subject}": ${detail}`, options);
  }
}
