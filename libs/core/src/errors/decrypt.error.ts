import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * Why an encrypted payload could not be opened:
 * - `unknown-key`: its key id is not held by this process (removed, or never given);
 * - `authentication-failed`: AES-GCM refused it: the ciphertext, nonce, tag, key id, subject or
 *   job id differs from what was sealed (tampered, or moved to another subject or message);
 * - `malformed`: the `Jetbus-Enc` header or the body does not follow the wire format;
 * - `unsupported`: a wire-format version or algorithm this version does not know;
 * - `no-keys`: this process has no `encryption` configured.
 */
export type DecryptFailure =
  'unknown-key' | 'authentication-failed' | 'malformed' | 'unsupported' | 'no-keys';

/**
 * An encrypted job that cannot be decrypted. Retrying cannot fix it: it is dead-lettered at once,
 * its ciphertext and headers intact, so it can be replayed once the key is back.
 */
export class DecryptError extends JetbusError {
  constructor(
    readonly subject: string,
    readonly failure: DecryptFailure,
    detail: string,
    readonly keyId?: string,
  ) {
    super(JetbusErrorCodes.Decrypt, `cannot decrypt message on "${subject}" (${failure}): ${detail}`);
  }
}
