import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * No stream of this name in the account (JetStream API error 10059). Stream names are
 * case-sensitive, and a user sees only its own account's streams.
 */
export class StreamNotFoundError extends JetbusError {
  constructor(
    readonly stream: string,
    options?: { cause?: unknown },
  ) {
    super(JetbusErrorCodes.StreamNotFound, `stream ${stream} does not exist`, options);
  }
}
