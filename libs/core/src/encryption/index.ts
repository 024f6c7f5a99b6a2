export { type EncryptionOptions } from './encryption.options';
export { type EncryptionKey, type KeyProvider } from './key-provider';
export { KeyRing, type KeyRingFile, decodeKey } from './key-ring';
export { ENCRYPTION_KEYS_ENV, envKeyProvider } from './env-key-provider';
export { fileKeyProvider } from './file-key-provider';
export { EnvelopeKeyProvider, type EnvelopeKeyOptions } from './envelope-key-provider';
export { PayloadEncryption, type SealedPayload, openForHandler, sealForPublish } from './payload-encryption';
export { resolveEncryptionOptions } from './resolve-encryption-options';
export {
  ENCRYPTION_ALGORITHM,
  ENCRYPTION_HEADER,
  ENCRYPTION_VERSION,
  KEY_BYTES,
  KEY_ID_PATTERN,
  NONCE_BYTES,
  TAG_BYTES,
  associatedData,
  formatEncryptionHeader,
  parseEncryptionHeader,
} from './wire-format';
export { type RevealedPayload, revealPayload } from './reveal-payload';
