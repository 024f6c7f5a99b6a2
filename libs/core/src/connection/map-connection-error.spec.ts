import {
  AuthorizationError,
  PermissionViolationError,
  ProtocolError,
  RequestError,
  UserAuthenticationExpiredError,
} from '@nats-io/transport-node';
import { AuthenticationError, ConnectionError, PermissionDeniedError } from '../errors';
import {
  mapConnectionError,
  readCredsIdentity,
  toAuthenticationError,
  toPermissionDeniedError,
} from './map-connection-error';

const servers = ['nats://127.0.0.1:4222'];
const now = new Date('2030-01-01T00:00:00Z');
const ctx = { servers, user: 'api', expires: undefined, now };

const jwtWith = (claims: object): string =>
  ['e30', Buffer.from(JSON.stringify(claims)).toString('base64url'), 'sig'].join('.');
const credsWith = (claims: object): string =>
  `-----BEGIN NATS USER JWT-----\n${jwtWith(claims)}\n------END NATS USER JWT------\n\n` +
  `-----BEGIN USER NKEY SEED-----\nSUAxxx\n------END USER NKEY SEED------\n`;
const tlsError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('readCredsIdentity', () => {
  it('reads the user name and expiry, never the seed', () => {
    expect(readCredsIdentity(credsWith({ name: 'api', sub: 'UABC', exp: 1_900_000_000 }))).toEqual({
      user: 'api',
      expires: new Date(1_900_000_000 * 1000),
    });
  });
  it('falls back to the public key and has no expiry without exp', () => {
    expect(readCredsIdentity(credsWith({ sub: 'UABC' }))).toEqual({ user: 'UABC', expires: undefined });
  });
  it('knows nobody in a text that is not creds', () => {
    expect(readCredsIdentity('hello')).toEqual({ user: undefined, expires: undefined });
  });
});

describe('toAuthenticationError', () => {
  describe('when the server refused the connection', () => {
    it('is an authorization violation naming the user', () => {
      const e = toAuthenticationError(new AuthorizationError('Authorization Violation'), ctx);
      expect(e).toBeInstanceOf(AuthenticationError);
      expect(e).toMatchObject({ code: 'AUTHENTICATION', user: 'api', reason: 'authorization-violation' });
      expect(e?.message).toBe(
        'NATS at nats://127.0.0.1:4222: user "api" was refused by the server (Authorization Violation): ' +
          'unknown or revoked user, creds of another operator, or a source address the user may not connect from',
      );
    });
    it('is an expiry when the creds say the JWT has expired', () => {
      const expires = new Date('2029-12-31T00:00:00Z');
      const e = toAuthenticationError(new AuthorizationError('Authorization Violation'), { ...ctx, expires });
      expect(e).toMatchObject({ reason: 'expired', expiredAt: expires, user: 'api' });
      expect(e?.message).toContain('user "api" has expired (at 2029-12-31T00:00:00.000Z)');
    });
    it('is a plain violation when the JWT expires later', () => {
      const expires = new Date('2031-01-01T00:00:00Z');
      const e = toAuthenticationError(new AuthorizationError('Authorization Violation'), { ...ctx, expires });
      expect(e?.reason).toBe('authorization-violation');
    });
    it('says when the connection had no creds', () => {
      const e = toAuthenticationError(new AuthorizationError('Authorization Violation'), {
        ...ctx,
        user: undefined,
      });
      expect(e?.message).toContain('a connection without creds was refused');
    });
  });
  describe('when the server drops a live connection', () => {
    it('recognizes a revocation', () => {
      const e = toAuthenticationError(new ProtocolError('User Authentication Revoked'), ctx);
      expect(e).toMatchObject({ reason: 'revoked', user: 'api' });
    });
    it('recognizes an expiry', () => {
      const e = toAuthenticationError(new UserAuthenticationExpiredError('User Authentication Expired'), ctx);
      expect(e?.reason).toBe('expired');
    });
  });
  it('leaves other errors alone', () => {
    expect(toAuthenticationError(new Error('boom'), ctx)).toBeUndefined();
  });
});

describe('toPermissionDeniedError', () => {
  it('finds the violation behind a rejected request', () => {
    const cause = new PermissionViolationError(
      'Permissions Violation for Publish to "$JS.API.CONSUMER.INFO.ORDERS.billing"',
      'publish',
      '$JS.API.CONSUMER.INFO.ORDERS.billing',
    );
    const e = toPermissionDeniedError(new RequestError(cause.message, { cause }), 'api');
    expect(e).toBeInstanceOf(PermissionDeniedError);
    expect(e).toMatchObject({
      user: 'api',
      operation: 'publish',
      subject: '$JS.API.CONSUMER.INFO.ORDERS.billing',
    });
  });
  it('maps a denied subscription', () => {
    const e = toPermissionDeniedError(
      new PermissionViolationError(
        'Permissions Violation for Subscription to "_INBOX.x.*"',
        'subscription',
        '_INBOX.x.*',
      ),
      'api',
    );
    expect(e).toMatchObject({ operation: 'subscribe', subject: '_INBOX.x.*' });
  });
  it('leaves other errors alone', () => {
    expect(toPermissionDeniedError(new RequestError('timeout'), 'api')).toBeUndefined();
  });
});

describe('mapConnectionError', () => {
  it('prefers the authentication failure', () => {
    expect(mapConnectionError(new AuthorizationError('Authorization Violation'), ctx)).toBeInstanceOf(
      AuthenticationError,
    );
  });
  describe('when TLS fails', () => {
    it('says a client certificate is required (mTLS alert, no certificate given)', () => {
      const e = mapConnectionError(
        tlsError('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'sslv3 alert bad certificate'),
        ctx,
      );
      expect(e).toBeInstanceOf(ConnectionError);
      expect(e.message).toBe(
        'cannot connect to NATS at nats://127.0.0.1:4222: the server requires a client certificate ' +
          '(mutual TLS) and none was given: set tls.certFile and tls.keyFile',
      );
    });
    it('says the same when only the INFO tells (a reset or a timeout instead of the alert)', () => {
      const e = mapConnectionError(tlsError('ECONNRESET', 'write ECONNRESET'), {
        ...ctx,
        serverInfo: { tls_required: true, tls_verify: true },
      });
      expect(e.message).toContain('requires a client certificate (mutual TLS) and none was given');
    });
    it('says the certificate given was refused (TLS 1.3 alert)', () => {
      const e = mapConnectionError(
        tlsError('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tlsv13 alert certificate required'),
        { ...ctx, clientCertificate: true },
      );
      expect(e.message).toContain(
        "the server refused the client certificate (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED): it must be signed by a CA in the server's ca_file",
      );
    });
    it('asks about the CA when a certificate was given and the server only dropped the connection', () => {
      const e = mapConnectionError(new Error('timeout'), {
        ...ctx,
        clientCertificate: true,
        serverInfo: { tls_verify: true },
      });
      expect(e.message).toContain("is tls.certFile signed by a CA in the server's ca_file? (timeout)");
    });
    it('says the server certificate is not trusted', () => {
      const e = mapConnectionError(
        tlsError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'),
        ctx,
      );
      expect(e.message).toContain(
        "the server's TLS certificate is not trusted (unable to verify the first certificate); set tls.caFile",
      );
    });
    it('says the server offers no TLS', () => {
      const e = mapConnectionError(new Error("server does not support 'tls'"), ctx);
      expect(e.message).toContain('TLS options were given but the server does not offer TLS');
    });
    it('says a tls:// URL will not fall back to plain text', () => {
      const e = mapConnectionError(new Error("server does not support 'tls'"), { ...ctx, tlsUrl: true });
      expect(e).toBeInstanceOf(ConnectionError);
      expect(e.message).toContain('the URL says tls:// but the server does not offer TLS');
    });
  });
  it("keeps nats.js' words for anything else", () => {
    const e = mapConnectionError(new Error('CONNECTION_REFUSED'), {
      ...ctx,
      serverInfo: { tls_verify: false },
    });
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e.message).toBe('cannot connect to NATS at nats://127.0.0.1:4222: CONNECTION_REFUSED');
  });
});
