import { PermissionViolationError } from '@nats-io/transport-node';
import { AuthorizationError } from '../errors/authorization.error';
import { PermissionDeniedError } from '../errors/permission-denied.error';
import { UserExpiredError } from '../errors/user-expired.error';
import { UserRevokedError } from '../errors/user-revoked.error';
import { type UserIdentity } from './user-identity';

function* causes(err: unknown): Generator<Error> {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) yield e;
}

/**
 * Turns what nats.js reports for an auth problem into a typed error naming the user:
 * - `PermissionViolationError` (from `status()`, or the cause of a rejected `request` /
 *   `js.publish`) → `PermissionDeniedError` with subject and operation;
 * - "User Authentication Revoked" (the server closing a live connection after the account's
 *   `revocations` changed) → `UserRevokedError`;
 * - "User Authentication Expired", or an "Authorization Violation" while the JWT is past its
 *   `exp` → `UserExpiredError`;
 * - any other "Authorization Violation" → `AuthorizationError`.
 * Anything else is returned unchanged.
 */
export function toAuthError(err: unknown, identity: UserIdentity | string, now: Date = new Date()): unknown {
  const who: UserIdentity = typeof identity === 'string' ? { user: identity } : identity;
  for (const e of causes(err)) {
    if (e instanceof PermissionViolationError || e.name === 'PermissionViolationError') {
      const v = e as PermissionViolationError;
      return new PermissionDeniedError(
        who.user,
        v.subject,
        v.operation === 'subscription' ? 'subscribe' : 'publish',
        {
          cause: err,
        },
      );
    }
  }
  for (const e of causes(err)) {
    const text = e.message.toLowerCase();
    if (text.includes('user authentication revoked')) return new UserRevokedError(who.user, { cause: err });
    if (text.includes('user authentication expired') || e.name === 'UserAuthenticationExpiredError') {
      return new UserExpiredError(who.user, who.expires, { cause: err });
    }
    if (text.includes('authorization violation') || e.name === 'AuthorizationError') {
      // The server does not say why it refused; an expired JWT is the one reason we can see locally.
      if (who.expires && who.expires.getTime() <= now.getTime()) {
        return new UserExpiredError(who.user, who.expires, { cause: err });
      }
      return new AuthorizationError(who.user, e.message, { cause: err });
    }
  }
  return err;
}
