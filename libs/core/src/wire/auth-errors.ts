import { AuthenticationError, AuthenticationFailures } from '../errors/authentication.error';
import { PermissionDeniedError } from '../errors/permission-denied.error';
import { type ConnectionIdentity } from './creds-identity';

/** What the auth error translator needs to name who was refused, and where. */
export interface AuthErrorContext extends ConnectionIdentity {
  servers: string[];
  /** @default new Date() */
  now?: Date;
}

type ErrorLike = Error & { code?: unknown };

// Duck-typed, not `instanceof Error`: Node's TLS errors come from another realm under Jest's vm.
export const isErrorLike = (e: unknown): e is ErrorLike =>
  typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string';

/** `e`, its cause, the cause's cause…: nats.js wraps what the server said (at most 8 deep). */
export function* errorCauses(e: unknown): Generator<ErrorLike> {
  for (let cur = e, depth = 0; isErrorLike(cur) && depth < 8; cur = cur.cause, depth++) yield cur;
}

/**
 * An auth refusal in what nats.js reports (a rejected connect, a status error, a close reason) as
 * `AuthenticationError`; undefined when it is something else. Matched by name and by the server's
 * words, which is all nats.js 3.4 exposes:
 * - "User Authentication Revoked" (a `ProtocolError`): a live connection whose key was revoked;
 * - "User Authentication Expired" / "Account Authentication Expired": expiry of a live connection;
 * - "Authorization Violation" (`AuthorizationError`): any refusal at connect. nats-server 2.9.10
 *   says exactly this for an unknown, revoked or expired user alike; an expired JWT is the one
 *   reason visible locally, from the creds.
 */
export function toAuthenticationError(e: unknown, ctx: AuthErrorContext): AuthenticationError | undefined {
  const now = ctx.now ?? new Date();
  for (const c of errorCauses(e)) {
    const text = c.message.toLowerCase();
    if (text.includes('user authentication revoked')) {
      return new AuthenticationError(ctx.user, AuthenticationFailures.Revoked, ctx.servers, {
        cause: e,
        serverMessage: c.message,
      });
    }
    if (
      c.name === 'UserAuthenticationExpiredError' ||
      text.includes('user authentication expired') ||
      text.includes('account authentication expired')
    ) {
      return new AuthenticationError(ctx.user, AuthenticationFailures.Expired, ctx.servers, {
        cause: e,
        serverMessage: c.message,
        expiredAt: ctx.expires,
      });
    }
    if (c.name === 'AuthorizationError' || text.includes('authorization violation')) {
      const expired = ctx.expires !== undefined && ctx.expires.getTime() <= now.getTime();
      return new AuthenticationError(
        ctx.user,
        expired ? AuthenticationFailures.Expired : AuthenticationFailures.AuthorizationViolation,
        ctx.servers,
        { cause: e, serverMessage: c.message, expiredAt: ctx.expires },
      );
    }
  }
  return undefined;
}

/**
 * The permission violation behind a rejected request (nats.js rejects it with a `RequestError`
 * whose cause is the `PermissionViolationError`), or a status error, as `PermissionDeniedError`.
 */
export function toPermissionDeniedError(
  e: unknown,
  user: string | undefined,
  /** Named when the violation does not say which subject it was. */
  subject = '(unknown subject)',
): PermissionDeniedError | undefined {
  for (const c of errorCauses(e)) {
    if (c.name !== 'PermissionViolationError') continue;
    const v = c as Error & { operation?: string; subject?: string };
    return new PermissionDeniedError(
      v.operation === 'subscription' ? 'subscribe' : 'publish',
      v.subject || subject,
      user,
      { cause: e },
    );
  }
  return undefined;
}
