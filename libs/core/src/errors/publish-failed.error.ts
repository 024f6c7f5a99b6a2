import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/** The publish was not confirmed for a reason without a more specific error (e.g. the connection closed). */
export class PublishFailedError extends JetbusError {
  constructor(
    readonly subject: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(JetbusErrorCodes.PublishFailed, `publish to "${subject}" was not confirmed: ${detail}`, options);
  }
}
