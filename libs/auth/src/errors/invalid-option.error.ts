import { AuthErrorCodes } from './auth-error-codes';
import { JetbusAuthError } from './jetbus-auth.error';

/**
 * An option given to a `@jetbus/auth` function (or a `jetbus auth` flag) is malformed: a past or
 * unreadable expiry, a path with control characters. `option` names it as the caller spelled it.
 */
export class InvalidOptionError extends JetbusAuthError {
  constructor(
    readonly option: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(AuthErrorCodes.InvalidOption, `${option}: ${detail}`, options);
  }
}
