import { readFileSync, statSync } from 'node:fs';
import { EncryptionKeyError } from '../errors/encryption-key.error';
import { KeyRing } from './key-ring';

/**
 * Keys from a key ring file (`jetbus keys generate|rotate`), read once, now. The file must be
 * readable by its owner only (mode 0600 or stricter): a key file others can read is refused.
 */
export function fileKeyProvider(path: string): KeyRing {
  const source = `file ${path}`;
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (e) {
    throw new EncryptionKeyError(source, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause: e,
    });
  }
  if ((mode & 0o077) !== 0)
    throw new EncryptionKeyError(
      source,
      `is open to group or others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); run chmod 600 on it`,
    );
  return KeyRing.parse(source, readFileSync(path, 'utf8'));
}
