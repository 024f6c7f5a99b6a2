import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * Key material jetbus will not use: a key that is not 32 bytes of base64, a bad key id, a key file
 * readable by others than its owner, a key ring without its current key. `source` names where the
 * keys came from (an environment variable or a file); the key itself is never in the message.
 */
export class EncryptionKeyError extends JetbusError {
  constructor(
    readonly source: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(JetbusErrorCodes.EncryptionKey, `encryption keys from ${source}: ${problem}`, options);
  }
}
