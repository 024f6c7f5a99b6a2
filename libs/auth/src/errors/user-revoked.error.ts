import { AuthErrorCodes } from './auth-error-codes';
import { JetbusAuthError } from './jetbus-auth.error';

/** The account revoked the user's key: the server closed the connection and refuses new ones. */
export class UserRevokedError extends JetbusAuthError {
  constructor(
    readonly user: string,
    options?: { cause?: unknown },
  ) {
    super(AuthErrorCodes.UserRevoked, `user "${user}" has been revoked`, options);
  }
}
