import { type KeyProvider } from './key-provider';

/** `encryption` of `JetbusModule.forRoot`: AES-256-GCM payload encryption (README, "Payload encryption"). */
export interface EncryptionOptions {
  /**
   * Where the keys come from: `envKeyProvider()`, `fileKeyProvider(path)`, an `EnvelopeKeyProvider`
   * (KMS) or any `KeyProvider`. New jobs use its current key; jobs are decrypted with any key it
   * still lists. Required.
   */
  keys: KeyProvider;
  /**
   * Subjects (NATS wildcards allowed, e.g. `payments.>`) whose jobs are encrypted on publish (unless
   * the publish says `encrypt: false`) and whose handlers refuse cleartext jobs. Other subjects are
   * encrypted only with `encrypt: true`. @default []
   */
  subjects?: string[];
  /**
   * Migration window: handlers on `subjects` also accept cleartext jobs (published before
   * encryption was turned on). Encrypted jobs are decrypted either way. @default false
   */
  acceptCleartext?: boolean;
}
