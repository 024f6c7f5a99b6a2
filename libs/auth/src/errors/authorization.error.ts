import { AuthErrorCodes } from './auth-error-codes';
import { JetbusAuthError } from './jetbus-auth.error';

/**
 * The server refused the connection of `user`. NATS does not say why (unknown account, bad
 * signature, revoked key, source address outside `allowedCidrs`, ...): the server log does.
 */
export class AuthorizationError extends JetbusAuthError {
  constructor(
    readonly user: string,
    detail = 'authorization violation',
    options?: { cause?: unknown },
  ) {
    super(AuthErrorCodes.Authorization, `user "${user}" was refused by the server: ${detail}`, options);
  }
}
