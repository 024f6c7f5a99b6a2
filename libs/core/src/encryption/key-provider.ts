/** A 256-bit AES key and the id written in the `Jetbus-Enc` header of what it encrypts. */
export interface EncryptionKey {
  readonly id: string;
  readonly key: Uint8Array;
}

/**
 * Where `encryption.keys` come from. Rotation is the provider's: new jobs are encrypted with
 * `currentKey()`, and a job is decrypted with `findKey(<its kid>)`, so a provider that still lists
 * an old key keeps its jobs readable. Implement it to hold keys elsewhere (a KMS: see
 * `EnvelopeKeyProvider`); jetbus calls it once per message, so cache in the provider.
 */
export interface KeyProvider {
  /** The key new jobs are encrypted with. */
  currentKey(): EncryptionKey | Promise<EncryptionKey>;
  /** The key with this id, or `undefined` when this provider does not hold it (a typed `DecryptError` follows). */
  findKey(id: string): EncryptionKey | undefined | Promise<EncryptionKey | undefined>;
}
