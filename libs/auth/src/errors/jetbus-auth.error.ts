import { type AuthErrorCode } from './auth-error-codes';

/** Base of every error `@jetbus/auth` throws: `code` is stable and machine-readable, `message` is for people. */
export class JetbusAuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
