import {
  AuthorizationError as NatsAuthorizationError,
  PermissionViolationError,
  ProtocolError,
  RequestError,
} from '@nats-io/transport-node';
import { AuthorizationError } from '../errors/authorization.error';
import { PermissionDeniedError } from '../errors';
import { UserExpiredError } from '../errors/user-expired.error';
import { UserRevokedError } from '../errors/user-revoked.error';
import { toAuthError } from './to-auth-error';

describe('toAuthError', () => {
  it('names user, subject and operation of a denied publish (status error)', () => {
    const e = toAuthError(
      new PermissionViolationError('Permissions Violation for Publish to "b.x"', 'publish', 'b.x'),
      'api',
    );
    expect(e).toBeInstanceOf(PermissionDeniedError);
    expect(e).toMatchObject({
      user: 'api',
      subject: 'b.x',
      operation: 'publish',
      message: 'permission denied: user api may not publish "b.x"',
    });
  });

  it('finds the violation behind a rejected request or js.publish', () => {
    const cause = new PermissionViolationError('Permissions Violation for Publish to "x"', 'publish', 'x');
    const e = toAuthError(new RequestError(cause.message, { cause }), { user: 'api' });
    expect(e).toMatchObject({ subject: 'x', operation: 'publish' });
  });

  it('maps denied subscriptions', () => {
    const e = toAuthError(
      new PermissionViolationError('Permissions Violation for Subscription to "z"', 'subscription', 'z'),
      'w',
    );
    expect(e).toMatchObject({ user: 'w', subject: 'z', operation: 'subscribe' });
  });

  it('recognizes a revocation closing the connection', () => {
    expect(toAuthError(new ProtocolError('User Authentication Revoked'), 'api')).toBeInstanceOf(
      UserRevokedError,
    );
  });

  it('recognizes expiry, live or at connect time', () => {
    expect(toAuthError(new Error('User Authentication Expired'), 'api')).toBeInstanceOf(UserExpiredError);
    const expires = new Date('2001-01-01T00:00:00Z');
    const e = toAuthError(new NatsAuthorizationError('Authorization Violation'), { user: 'api', expires });
    expect(e).toBeInstanceOf(UserExpiredError);
    expect(e).toMatchObject({
      expiredAt: expires,
      message: 'user "api" has expired (at 2001-01-01T00:00:00.000Z)',
    });
  });

  it('keeps other refusals as AuthorizationError, and leaves unrelated errors alone', () => {
    const e = toAuthError(new NatsAuthorizationError('Authorization Violation'), {
      user: 'api',
      expires: new Date('2999-01-01'),
    });
    expect(e).toBeInstanceOf(AuthorizationError);
    expect((e as Error).message).toBe('user "api" was refused by the server: Authorization Violation');
    const other = new Error('boom');
    expect(toAuthError(other, 'api')).toBe(other);
  });
});
