import { EncryptionKeyError } from '../errors/encryption-key.error';
import { type EncryptionKey, type KeyProvider } from './key-provider';
import { KEY_BYTES, KEY_ID_PATTERN } from './wire-format';

/**
 * A key ring file (`jetbus keys generate|rotate` writes one, mode 0600):
 * `{ "current": "<kid>", "keys": { "<kid>": "<base64 of 32 bytes>", … } }`.
 */
export interface KeyRingFile {
  current: string;
  keys: Record<string, string>;
}

/** Decodes one base64 key, insisting on exactly 32 bytes (AES-256). */
export function decodeKey(source: string, kid: string, base64: unknown): Uint8Array {
  if (!KEY_ID_PATTERN.test(kid))
    throw new EncryptionKeyError(source, `key id ${JSON.stringify(kid)} must match ${KEY_ID_PATTERN}`);
  const bytes = typeof base64 === 'string' ? Buffer.from(base64, 'base64') : undefined;
  // Buffer.from ignores what is not base64: compare the round trip so a typo is not a short key.
  if (!bytes || bytes.length !== KEY_BYTES || bytes.toString('base64') !== (base64 as string).trim())
    throw new EncryptionKeyError(source, `key "${kid}" must be ${KEY_BYTES} bytes in base64 (44 characters)`);
  return new Uint8Array(bytes);
}

/** Keys held in memory: the current one and the older ones still decrypted. */
export class KeyRing implements KeyProvider {
  private readonly keys = new Map<string, EncryptionKey>();
  private readonly current: EncryptionKey;

  /** `keys`: base64 strings or raw 32-byte arrays by key id; `current` must be one of them. */
  constructor(source: string, current: string, keys: Record<string, string | Uint8Array>) {
    for (const [id, value] of Object.entries(keys)) {
      const key =
        value instanceof Uint8Array
          ? decodeKey(source, id, Buffer.from(value).toString('base64'))
          : decodeKey(source, id, value);
      this.keys.set(id, { id, key });
    }
    const found = this.keys.get(current);
    if (!found)
      throw new EncryptionKeyError(
        source,
        `the current key "${current}" is not among the keys (${[...this.keys.keys()].join(', ') || 'none'})`,
      );
    this.current = found;
  }

  /** Reads the JSON of a key ring file. */
  static parse(source: string, text: string): KeyRing {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new EncryptionKeyError(source, 'is not JSON { "current": kid, "keys": { kid: base64 } }', {
        cause: e,
      });
    }
    const ring = value as Partial<KeyRingFile> | null;
    if (
      typeof ring !== 'object' ||
      ring === null ||
      typeof ring.current !== 'string' ||
      typeof ring.keys !== 'object' ||
      ring.keys === null
    )
      throw new EncryptionKeyError(source, 'must be JSON { "current": kid, "keys": { kid: base64 } }');
    return new KeyRing(source, ring.current, ring.keys);
  }

  get ids(): string[] {
    return [...this.keys.keys()];
  }

  currentKey(): EncryptionKey {
    return this.current;
  }

  findKey(id: string): EncryptionKey | undefined {
    return this.keys.get(id);
  }
}
