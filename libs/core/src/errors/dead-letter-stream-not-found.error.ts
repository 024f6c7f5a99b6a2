import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * The dead-letter stream does not exist. The DLQ writer creates it, so either nothing was ever
 * dead-lettered in this account, dead letters are kept in the log only, or the name is wrong.
 */
export class DeadLetterStreamNotFoundError extends JetbusError {
  constructor(
    readonly stream: string,
    options?: { cause?: unknown },
  ) {
    super(
      JetbusErrorCodes.DeadLetterStreamNotFound,
      `dead-letter stream ${stream} does not exist: nothing has been dead-lettered yet, or the stream has another name`,
      options,
    );
  }
}
