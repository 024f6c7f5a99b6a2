import { AuthErrorCodes } from './auth-error-codes';
import { JetbusAuthError } from './jetbus-auth.error';

export type PermissionOperation = 'publish' | 'subscribe';

/** The server refused a publish or subscribe of `user` on `subject` (its JWT permissions do not allow it). */
export class PermissionDeniedError extends JetbusAuthError {
  constructor(
    readonly user: string,
    readonly subject: string,
    readonly operation: PermissionOperation,
    options?: { cause?: unknown },
  ) {
    super(AuthErrorCodes.PermissionDenied, `user "${user}" may not ${operation} to "${subject}"`, options);
  }
}
