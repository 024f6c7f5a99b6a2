import { AuthErrorCodes } from './auth-error-codes';
import { JetbusAuthError } from './jetbus-auth.error';

/** The user's JWT is past its `exp`: the server refuses (or closes) the connection. */
export class UserExpiredError extends JetbusAuthError {
  constructor(
    readonly user: string,
    readonly expiredAt: Date | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      AuthErrorCodes.UserExpired,
      `user "${user}" has expired${expiredAt ? ` (at ${expiredAt.toISOString()})` : ''}`,
      options,
    );
  }
}
