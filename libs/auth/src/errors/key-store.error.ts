import { AuthErrorCodes } from './auth-error-codes';
import { JetbusAuthError } from './jetbus-auth.error';

/** A key store problem: unsafe file modes, a corrupt seed, a seed that is offline but needed. Never contains a seed. */
export class KeyStoreError extends JetbusAuthError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(AuthErrorCodes.KeyStore, message, options);
  }
}
