import { AuthErrorCodes } from './auth-error-codes';
import { JetbusAuthError } from './jetbus-auth.error';

/**
 * Talking to a server through the system connection failed (a refused or unanswered claims
 * request, a lost connection): names the server URL so an operator knows which one; the cause keeps
 * the original error.
 */
export class AuthConnectionError extends JetbusAuthError {
  constructor(
    readonly server: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(AuthErrorCodes.Connection, `${detail} (server ${server})`, options);
  }
}
