import { AuthErrorCodes } from './auth-error-codes';
import { JetbusAuthError } from './jetbus-auth.error';

/**
 * The system connection `jetbus auth` pushes through could not be opened or was lost: names the
 * server URL so an operator knows which one (the cause keeps the nats.js error).
 */
export class AuthConnectionError extends JetbusAuthError {
  constructor(
    readonly server: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(AuthErrorCodes.Connection, `cannot reach ${server}: ${detail}`, options);
  }
}
