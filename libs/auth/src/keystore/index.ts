export {
  KEY_DIR_MODE,
  KeyStore,
  SEED_FILE_MODE,
  type KeyStoreOptions,
  type RevocationRecord,
} from './key-store';
