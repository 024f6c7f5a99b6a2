import { AuthErrorCodes } from './auth-error-codes';
import { JetbusAuthError } from './jetbus-auth.error';

/** The server did not accept an account JWT pushed through `$SYS.REQ.CLAIMS.UPDATE`. */
export class ClaimsUpdateError extends JetbusAuthError {
  constructor(
    readonly account: string,
    readonly description: string,
    readonly serverCode?: number,
    options?: { cause?: unknown },
  ) {
    super(AuthErrorCodes.ClaimsUpdate, `server rejected account ${account}: ${description}`, options);
  }
}
