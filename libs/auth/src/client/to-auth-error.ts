import {
  AuthenticationFailures,
  PermissionDeniedError,
  toAuthenticationError,
  toPermissionDeniedError,
} from '@jetbus/core/wire';
import { AuthorizationError } from '../errors/authorization.error';
import { UserExpiredError } from '../errors/user-expired.error';
import { UserRevokedError } from '../errors/user-revoked.error';
import { type UserIdentity } from './user-identity';

/**
 * Turns what nats.js reports for an auth problem into a typed error naming the user. What the
 * server's words mean is read by @jetbus/core's translator (`@jetbus/core/wire`), shared with
 * `JetbusModule`; this names the outcome in the terms of a user of the policy:
 * - a permission violation (from `status()`, or the cause of a rejected `request` / `js.publish`)
 *   → core's `PermissionDeniedError` with subject and operation;
 * - "User Authentication Revoked" → `UserRevokedError`;
 * - "User Authentication Expired", or an "Authorization Violation" while the JWT is past its
 *   `exp` → `UserExpiredError`;
 * - any other "Authorization Violation" → `AuthorizationError`.
 * Anything else is returned unchanged.
 */
export function toAuthError(err: unknown, identity: UserIdentity | string, now: Date = new Date()): unknown {
  const who: UserIdentity = typeof identity === 'string' ? { user: identity } : identity;
  const denied: PermissionDeniedError | undefined = toPermissionDeniedError(err, who.user);
  if (denied) return denied;
  const refused = toAuthenticationError(err, { user: who.user, expires: who.expires, servers: [], now });
  if (!refused) return err;
  switch (refused.reason) {
    case AuthenticationFailures.Revoked:
      return new UserRevokedError(who.user, { cause: err });
    case AuthenticationFailures.Expired:
      return new UserExpiredError(who.user, who.expires, { cause: err });
    default:
      return new AuthorizationError(who.user, refused.serverMessage, { cause: err });
  }
}
