import { EncryptionKeyError } from '../errors/encryption-key.error';
import { KeyRing } from './key-ring';

/** The environment variable `envKeyProvider` reads by default. */
export const ENCRYPTION_KEYS_ENV = 'JETBUS_ENCRYPTION_KEYS';

/**
 * Keys from an environment variable: `<kid>:<base64>` pairs separated by commas, the first one
 * current (e.g. `k2:…,k1:…` after rotating from k1 to k2). Read once, now.
 */
export function envKeyProvider(variable: string = ENCRYPTION_KEYS_ENV, env = process.env): KeyRing {
  const source = `environment variable ${variable}`;
  const text = env[variable];
  if (!text || text.trim() === '') throw new EncryptionKeyError(source, 'is not set');
  const keys: Record<string, string> = {};
  let current: string | undefined;
  for (const pair of text.split(',')) {
    const colon = pair.indexOf(':');
    if (colon <= 0) throw new EncryptionKeyError(source, 'must be <kid>:<base64>[,<kid>:<base64>…]');
    const kid = pair.slice(0, colon).trim();
    if (kid in keys) throw new EncryptionKeyError(source, `lists key "${kid}" twice`);
    keys[kid] = pair.slice(colon + 1).trim();
    current ??= kid;
  }
  return new KeyRing(source, current!, keys);
}
