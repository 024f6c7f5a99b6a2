import { EncryptionKeyError } from '../errors/encryption-key.error';
import { type EncryptionKey, type KeyProvider } from './key-provider';
import { KEY_BYTES, KEY_ID_PATTERN } from './wire-format';

export interface EnvelopeKeyOptions {
  /** Id of the data key new jobs are encrypted with; one of `wrappedKeys`. */
  current: string;
  /**
   * Data keys as your KMS wrapped them under its master key (base64 of the KMS's ciphertext, e.g.
   * the `CiphertextBlob` of AWS KMS `GenerateDataKey`), by key id. Safe to keep in config.
   */
  wrappedKeys: Record<string, string>;
  /**
   * Asks the KMS to unwrap one data key (AWS KMS `Decrypt`, Vault transit `decrypt`, GCP KMS
   * `decrypt`…) and returns its 32 plaintext bytes. A rejection is retried like any failure of a
   * job (a KMS outage passes); a result that is not 32 bytes is an `EncryptionKeyError`.
   */
  unwrap(wrapped: Uint8Array, kid: string): Promise<Uint8Array>;
  /** How long an unwrapped data key stays in memory before the KMS is asked again. @default 300000 (5 min) */
  cacheTtlMs?: number;
}

/**
 * The KMS hook (envelope encryption): jobs are encrypted with data keys, the data keys are stored
 * only wrapped by a master key that never leaves the KMS, and each is unwrapped on first use and
 * cached for `cacheTtlMs` (concurrent first uses share one KMS call).
 */
export class EnvelopeKeyProvider implements KeyProvider {
  private readonly cache = new Map<string, { key: Promise<EncryptionKey>; until: number }>();
  private readonly ttlMs: number;

  constructor(private readonly options: EnvelopeKeyOptions) {
    const source = 'EnvelopeKeyProvider';
    for (const kid of Object.keys(options.wrappedKeys))
      if (!KEY_ID_PATTERN.test(kid))
        throw new EncryptionKeyError(source, `key id ${JSON.stringify(kid)} must match ${KEY_ID_PATTERN}`);
    if (!(options.current in options.wrappedKeys))
      throw new EncryptionKeyError(source, `the current key "${options.current}" is not among wrappedKeys`);
    if (typeof options.unwrap !== 'function')
      throw new EncryptionKeyError(source, 'unwrap must be a function');
    this.ttlMs = options.cacheTtlMs ?? 300_000;
  }

  currentKey(): Promise<EncryptionKey> {
    return this.unwrapped(this.options.current);
  }

  async findKey(id: string): Promise<EncryptionKey | undefined> {
    if (!Object.prototype.hasOwnProperty.call(this.options.wrappedKeys, id)) return undefined;
    return this.unwrapped(id);
  }

  private unwrapped(id: string): Promise<EncryptionKey> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now) return hit.key;
    const key = this.options.unwrap(Buffer.from(this.options.wrappedKeys[id], 'base64'), id).then((bytes) => {
      if (!(bytes instanceof Uint8Array) || bytes.length !== KEY_BYTES)
        throw new EncryptionKeyError('EnvelopeKeyProvider', `unwrap("${id}") must return ${KEY_BYTES} bytes`);
      return { id, key: bytes };
    });
    this.cache.set(id, { key, until: now + this.ttlMs });
    // A failed unwrap is not cached: the next message asks the KMS again.
    key.catch(() => {
      if (this.cache.get(id)?.key === key) this.cache.delete(id);
    });
    return key;
  }
}
