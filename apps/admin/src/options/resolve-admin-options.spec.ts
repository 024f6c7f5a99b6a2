import { JetbusConfigError } from '@jetbus/core';
import { tokenDigest } from '../auth/bearer-token';
import { ADMIN_DEFAULT_HOST, ADMIN_DEFAULT_PORT, resolveAdminOptions } from './resolve-admin-options';

const hash = 'scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==';
const user = { name: 'ada', role: 'admin', passwordHash: hash };
const token = { name: 'ci', role: 'viewer', sha256: tokenDigest('jbt_0123456789abcdef') };
const ok = { users: [user] };

describe('resolveAdminOptions', () => {
  it('fills every default and keeps loopback', () => {
    const env = process.env.NATS_URL;
    delete process.env.NATS_URL;
    try {
      const o = resolveAdminOptions(ok);
      expect(o.host).toBe(ADMIN_DEFAULT_HOST);
      expect(o.host).toBe('127.0.0.1');
      expect(o.port).toBe(ADMIN_DEFAULT_PORT);
      expect(o.nats.servers).toEqual(['nats://127.0.0.1:4222']);
      expect(o.deadLetterStream).toBe('JETBUS_DLQ');
      expect(o.auditStream).toBe('JETBUS_AUDIT');
      expect(o.schedulingStream).toBe('JETBUS_SCHEDULED');
      expect(o.sessionSecret.length).toBeGreaterThanOrEqual(32);
      expect(o.loginLimit).toEqual({ max: 10, windowMs: 60_000, failuresPerUser: 5, lockoutMs: 300_000 });
      expect(o.bulkReplayLimit).toEqual({ perActor: 2, total: 4 });
      expect(o.accessDeniedAudit).toEqual({ windowMs: 60_000, distinctPerActor: 10 });
      expect(o.ui).toBe(true);
    } finally {
      if (env !== undefined) process.env.NATS_URL = env;
    }
  });

  it('gives each process its own session secret unless one is configured', () => {
    expect(resolveAdminOptions(ok).sessionSecret).not.toBe(resolveAdminOptions(ok).sessionSecret);
    const secret = 'x'.repeat(40);
    expect(resolveAdminOptions({ ...ok, sessionSecret: secret }).sessionSecret).toBe(secret);
  });

  it('answers loopback host names by default on loopback, any host elsewhere, and the OIDC callback host always', () => {
    expect(resolveAdminOptions(ok).allowedHosts).toEqual(['localhost', '*.localhost', '127.0.0.1', '[::1]']);
    expect(resolveAdminOptions({ ...ok, host: '::1' }).allowedHosts).toEqual(
      resolveAdminOptions(ok).allowedHosts,
    );
    expect(resolveAdminOptions({ ...ok, host: '0.0.0.0' }).allowedHosts).toBeUndefined();
    expect(
      resolveAdminOptions({ ...ok, allowedHosts: ['Admin.Example.com', '*.ops.example.com'] }).allowedHosts,
    ).toEqual(['admin.example.com', '*.ops.example.com']);
    expect(resolveAdminOptions({ ...ok, allowedHosts: ['localhost', '*'] }).allowedHosts).toBeUndefined();
    const oidc = {
      issuer: 'http://127.0.0.1:9000',
      clientId: 'admin',
      redirectUri: 'https://admin.example.com/auth/oidc/callback',
    };
    expect(resolveAdminOptions({ oidc }).allowedHosts).toEqual([
      'localhost',
      '*.localhost',
      '127.0.0.1',
      '[::1]',
      'admin.example.com',
    ]);
  });

  it('splits a comma-separated server list', () => {
    const o = resolveAdminOptions({ ...ok, nats: { servers: 'nats://a:4222, nats://b:4222' } });
    expect(o.nats.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
  });

  it('applies OIDC defaults', () => {
    const o = resolveAdminOptions({
      oidc: {
        issuer: 'http://127.0.0.1:9000',
        clientId: 'admin',
        redirectUri: 'http://127.0.0.1:4280/auth/oidc/callback',
      },
    });
    expect(o.oidc).toMatchObject({ roleClaim: 'jetbus_role', scope: 'openid profile email', roleMap: {} });
  });

  const bad: [string, unknown, string][] = [
    ['not an object', 'users', 'options'],
    ['an array', [], 'options'],
    ['null', null, 'options'],
    ['no way to sign in', {}, 'users'],
    ['unknown top-level key', { ...ok, prot: 1 }, 'prot'],
    ['port as a string', { ...ok, port: '4280' }, 'port'],
    ['port out of range', { ...ok, port: 70000 }, 'port'],
    ['negative port', { ...ok, port: -1 }, 'port'],
    ['fractional port', { ...ok, port: 1.5 }, 'port'],
    ['empty host', { ...ok, host: '' }, 'host'],
    ['host as a number', { ...ok, host: 1 }, 'host'],
    ['users not a list', { users: user }, 'users'],
    ['user without a role', { users: [{ name: 'a', passwordHash: hash }] }, 'users[0].role'],
    ['user with an unknown role', { users: [{ ...user, role: 'root' }] }, 'users[0].role'],
    [
      'user with a clear password',
      { users: [{ ...user, passwordHash: 'hunter2' }] },
      'users[0].passwordHash',
    ],
    ['user with a space in the name', { users: [{ ...user, name: 'a b' }] }, 'users[0].name'],
    ['user with an unknown key', { users: [{ ...user, password: 'x' }] }, 'users[0].password'],
    ['the same user twice', { users: [user, user] }, 'users'],
    ['token with a short digest', { tokens: [{ ...token, sha256: 'abc' }] }, 'tokens[0].sha256'],
    [
      'token with an uppercase digest',
      { tokens: [{ ...token, sha256: token.sha256.toUpperCase() }] },
      'tokens[0].sha256',
    ],
    ['token with an unknown role', { tokens: [{ ...token, role: 'god' }] }, 'tokens[0].role'],
    ['the same token twice', { tokens: [token, token] }, 'tokens'],
    ['nats not an object', { ...ok, nats: 'nats://x' }, 'nats'],
    ['nats unknown key', { ...ok, nats: { server: 'nats://x' } }, 'nats.server'],
    ['empty server', { ...ok, nats: { servers: [''] } }, 'nats.servers'],
    ['server as a number', { ...ok, nats: { servers: 4222 } }, 'nats.servers'],
    ['inbox prefix with a space', { ...ok, nats: { inboxPrefix: 'a b' } }, 'nats.inboxPrefix'],
    ['inbox prefix with a wildcard', { ...ok, nats: { inboxPrefix: '_INBOX.*' } }, 'nats.inboxPrefix'],
    ['https without a key', { ...ok, https: { certFile: 'c.pem' } }, 'https.keyFile'],
    ['short session secret', { ...ok, sessionSecret: 'short' }, 'sessionSecret'],
    ['session TTL under a minute', { ...ok, sessionTtlMs: 1000 }, 'sessionTtlMs'],
    ['login limit of zero', { ...ok, loginLimit: { max: 0, windowMs: 60_000 } }, 'loginLimit.max'],
    ['login window too short', { ...ok, loginLimit: { max: 5, windowMs: 10 } }, 'loginLimit.windowMs'],
    [
      'no failures allowed per user',
      { ...ok, loginLimit: { max: 5, windowMs: 60_000, failuresPerUser: 0 } },
      'loginLimit.failuresPerUser',
    ],
    [
      'lockout too short',
      { ...ok, loginLimit: { max: 5, windowMs: 60_000, lockoutMs: 999 } },
      'loginLimit.lockoutMs',
    ],
    ['bad DLQ stream name', { ...ok, deadLetterStream: 'a.b' }, 'deadLetterStream'],
    ['bad audit stream name', { ...ok, auditStream: 'A B' }, 'auditStream'],
    ['bad scheduling stream name', { ...ok, schedulingStream: 'a.>' }, 'schedulingStream'],
    ['ui as a string', { ...ok, ui: 'yes' }, 'ui'],
    ['logger as a level', { ...ok, logger: 'debug' }, 'logger'],
    [
      'oidc issuer not a URL',
      { oidc: { issuer: 'issuer', clientId: 'a', redirectUri: 'http://x/cb' } },
      'oidc.issuer',
    ],
    ['oidc without client id', { oidc: { issuer: 'http://x', redirectUri: 'http://x/cb' } }, 'oidc.clientId'],
    [
      'oidc redirect not a URL',
      { oidc: { issuer: 'http://x', clientId: 'a', redirectUri: '/cb' } },
      'oidc.redirectUri',
    ],
    ['a bulk replay limit of 0', { ...ok, bulkReplayLimit: { perActor: 0 } }, 'bulkReplayLimit.perActor'],
    [
      'a fractional overall replay limit',
      { ...ok, bulkReplayLimit: { total: 1.5 } },
      'bulkReplayLimit.total',
    ],
    [
      'an access.denied window under 100 ms',
      { ...ok, accessDeniedAudit: { windowMs: 50 } },
      'accessDeniedAudit.windowMs',
    ],
    ['an empty allowedHosts', { ...ok, allowedHosts: [] }, 'allowedHosts'],
    ['a URL in allowedHosts', { ...ok, allowedHosts: ['https://admin.example.com'] }, 'allowedHosts'],
    [
      'more replays per caller than overall',
      { ...ok, bulkReplayLimit: { perActor: 3, total: 2 } },
      'bulkReplayLimit.perActor',
    ],
    [
      'oidc role map to an unknown role',
      { oidc: { issuer: 'http://x', clientId: 'a', redirectUri: 'http://x/cb', roleMap: { ops: 'root' } } },
      'oidc.roleMap.ops',
    ],
  ];

  it.each(bad)('refuses %s with a JetbusConfigError naming the option', (_what, raw, path) => {
    let error: unknown;
    try {
      resolveAdminOptions(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JetbusConfigError);
    expect((error as JetbusConfigError).option).toBe(path);
  });
});
