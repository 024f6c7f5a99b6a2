import { type AdminRole } from '@jetbus/admin';
import { AuditService } from '../../apps/admin/src/audit/audit.service';
import { auditTrail } from '../support/audit-trail';
import { call, loginClient, sessionCookie, useAdmin } from '../support/use-admin';

const BAD_CREDENTIALS = {
  statusCode: 401,
  error: 'UNAUTHORIZED',
  message: 'invalid username or password',
};

describe('admin auth: password login, sessions, CSRF', () => {
  const t = useAdmin();
  const login = (body: unknown, headers: Record<string, string> = {}) =>
    call<Record<string, unknown>>(t.url, 'POST', '/api/auth/login', headers, body);
  const withCookie = (cookie: string, extra: Record<string, string> = {}) => ({ cookie, ...extra });

  it('GET /api/auth/providers is public and offers password login only', async () => {
    const res = await t.anonymous.get('/api/auth/providers');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ password: true, oidc: null });
  });

  it('has no OIDC routes when OIDC is not configured (404), and audits nothing for them', async () => {
    const before = (await auditTrail(t.jsm)).length;
    for (const path of ['/auth/oidc/login', '/auth/oidc/callback?code=x&state=y']) {
      const res = await t.anonymous.get(path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        statusCode: 404,
        error: 'NOT_FOUND',
        message: 'single sign-on is not configured',
      });
    }
    expect(await auditTrail(t.jsm)).toHaveLength(before);
  });

  it('signs in with the right password: the session view and an HttpOnly, SameSite=Strict cookie on /', async () => {
    const res = await login({ username: 'operator', password: t.password('operator') });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      name: 'operator',
      role: 'operator',
      via: 'password',
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('jetbus.sid='));
    const flags = (setCookie ?? '')
      .split(';')
      .slice(1)
      .map((f) => f.trim());
    expect(flags).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict']));
    expect(flags).not.toContain('Secure'); // plain http here; auth-https.e2e.ts checks Secure
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers a wrong password and an unknown user with the same 401', async () => {
    const wrong = await login({ username: 'operator', password: 'not the password' });
    const unknown = await login({ username: 'mallory', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(BAD_CREDENTIALS);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(BAD_CREDENTIALS);
    expect(sessionCookie(wrong.headers)).toBeUndefined();
    expect(sessionCookie(unknown.headers)).toBeUndefined();
  });

  it.each([
    [{ password: 'x' }, 'username must be a string'],
    [{ username: '', password: 'x' }, 'username must be longer than or equal to 1 characters'],
    [{ username: 'a'.repeat(65), password: 'x' }, 'username must be shorter than or equal to 64 characters'],
    [{ username: 'admin' }, 'password must be a string'],
    [{ username: 'admin', password: 42 }, 'password must be a string'],
    [
      { username: 'admin', password: 'p'.repeat(1025) },
      'password must be shorter than or equal to 1024 characters',
    ],
    [{ username: 'admin', password: 'x', role: 'admin' }, 'property role should not exist'],
  ])('refuses login body %j with 400', async (body, message) => {
    const res = await login(body);
    expect(res.status).toBe(400);
    expect((res.body as { message: string[] }).message).toContain(message);
  });

  it('refuses a login from another site (Origin or Sec-Fetch-Site), accepts one from itself', async () => {
    const body = { username: 'viewer', password: t.password('viewer') };
    const foreign = await login(body, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toEqual({
      statusCode: 403,
      error: 'FORBIDDEN',
      message: 'cross-site login refused',
    });
    expect((await login(body, { origin: 'null' })).status).toBe(403);
    expect((await login(body, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await login(body, { origin: t.url, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it('GET /api/auth/session: the signed-in view with its CSRF token, 401 without a session', async () => {
    const viewer = await t.login('viewer');
    const res = await viewer.get('/api/auth/session');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      name: 'viewer',
      role: 'viewer',
      via: 'password',
      csrfToken: viewer.csrfToken,
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const anonymous = await t.anonymous.get('/api/auth/session');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ statusCode: 401, error: 'UNAUTHORIZED', message: 'sign in first' });
    const forged = await call(t.url, 'GET', '/api/auth/session', { cookie: 'jetbus.sid=s%3Aforged.sig' });
    expect(forged.status).toBe(401);
  });

  it('GET /api/auth/session with a bearer token: the token principal, no CSRF token needed', async () => {
    const res = await t.api('admin').get('/api/auth/session');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'admin-token', role: 'admin', via: 'token', csrfToken: '' });
  });

  it('CSRF: a session POST without x-csrf-token or with a wrong one is 403; with the right one it passes', async () => {
    const s = await t.login('operator');
    const missing = await call(t.url, 'POST', '/api/auth/logout', withCookie(s.cookie));
    expect(missing.status).toBe(403);
    expect(missing.body).toEqual({
      statusCode: 403,
      error: 'FORBIDDEN',
      message: 'missing or wrong x-csrf-token header',
    });
    const wrongToken = `${s.csrfToken.slice(0, -1)}${s.csrfToken.endsWith('A') ? 'B' : 'A'}`;
    const wrong = await call(
      t.url,
      'POST',
      '/api/auth/logout',
      withCookie(s.cookie, { 'x-csrf-token': wrongToken }),
    );
    expect(wrong.status).toBe(403);
    const other = await t.login('operator');
    const foreignToken = await call(
      t.url,
      'POST',
      '/api/auth/logout',
      withCookie(s.cookie, { 'x-csrf-token': other.csrfToken }),
    );
    expect(foreignToken.status).toBe(403);
    // Refused requests changed nothing: the session still works, and the right token passes.
    expect((await s.get('/api/auth/session')).status).toBe(200);
    expect((await s.post('/api/auth/logout')).status).toBe(204);
  });

  it('CSRF: bearer-token callers need no token (no ambient credential), even with a cookie riding along', async () => {
    const s = await t.login('viewer');
    const res = await call(t.url, 'POST', '/api/auth/logout', {
      authorization: `Bearer ${t.token('viewer')}`,
      cookie: s.cookie,
    });
    expect(res.status).toBe(204);
    // The bearer decided the request: the cookie's session was not touched.
    expect((await s.get('/api/auth/session')).status).toBe(200);
  });

  it('logout destroys the session server-side and clears the cookie; logout without a session is 401', async () => {
    const s = await t.login('admin');
    const res = await s.post('/api/auth/logout');
    expect(res.status).toBe(204);
    const cleared = res.headers.getSetCookie().find((c) => c.startsWith('jetbus.sid='));
    expect(cleared).toMatch(/^jetbus\.sid=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
    expect((await s.get('/api/auth/session')).status).toBe(401);
    expect((await s.post('/api/auth/logout')).status).toBe(401);
    expect((await t.anonymous.post('/api/auth/logout')).status).toBe(401);
  });

  it('gives a new session id on every login: a cookie planted before login is worth nothing after it', async () => {
    const first = await t.login('viewer');
    const again = await login({ username: 'admin', password: t.password('admin') }, { cookie: first.cookie });
    expect(again.status).toBe(200);
    const second = sessionCookie(again.headers);
    expect(second).toBeDefined();
    expect(second).not.toBe(first.cookie);
    expect(again.body.csrfToken).not.toBe(first.csrfToken);
    // The old id was dropped, not promoted to admin.
    expect((await call(t.url, 'GET', '/api/auth/session', withCookie(first.cookie))).status).toBe(401);
    const now = await call(t.url, 'GET', '/api/auth/session', withCookie(second ?? ''));
    expect(now.body).toMatchObject({ name: 'admin', role: 'admin' });
  });

  it('signs no one in when the auth.login entry cannot be written: the refused login leaves no session', async () => {
    // As when the app's NATS user may not publish to JETBUS_AUDIT: the login fails, so must the session.
    const audit = t.admin.app.get(AuditService) as unknown as { append: () => Promise<void> };
    const spy = jest.spyOn(audit, 'append').mockRejectedValueOnce(new Error('audit stream unavailable'));
    try {
      const res = await login({ username: 'admin', password: t.password('admin') });
      expect(res.status).toBe(500);
      const cookie = sessionCookie(res.headers);
      if (cookie)
        expect((await call(t.url, 'GET', '/api/auth/session', withCookie(cookie))).status).toBe(401);
    } finally {
      spy.mockRestore();
    }
  });

  it('audits auth.login (ok and error, never the password) and auth.logout, read back from JETBUS_AUDIT', async () => {
    const before = (await auditTrail(t.jsm)).length;
    await login(
      { username: 'viewer', password: 'audited wrong password' },
      { 'x-forwarded-for': '10.9.9.9' },
    );
    await login({ username: 'nobody', password: 'audited unknown password' });
    const s = await loginClient(t.url, 'operator', t.password('operator'));
    await s.post('/api/auth/logout');
    const entries = (await auditTrail(t.jsm)).slice(before);
    expect(entries.map(({ at, seq, ...rest }) => ({ ...rest, at: typeof at, seq: typeof seq }))).toEqual([
      { ...entry('viewer', 'viewer'), result: 'error', error: 'invalid username or password' },
      { ...entry('nobody', 'viewer'), result: 'error', error: 'invalid username or password' },
      { ...entry('operator', 'operator'), result: 'ok' },
      { ...entry('operator', 'operator'), action: 'auth.logout', result: 'ok' },
    ]);
    const text = JSON.stringify(entries);
    expect(text).not.toContain('audited wrong password');
    expect(text).not.toContain('audited unknown password');
    expect(text).not.toContain(t.password('operator'));
  });

  it('never writes a password, a token, a CSRF token or a session id to the logs', async () => {
    const s = await t.login('admin');
    await login({ username: 'admin', password: 'a password that must not be logged' });
    await t.api('operator').get('/api/auth/session');
    await call(t.url, 'GET', '/api/auth/session', { authorization: 'Bearer jbt_wrong_token_never_logged' });
    const logs = JSON.stringify(t.logs.records);
    const secrets = [
      ...(['viewer', 'operator', 'admin'] as AdminRole[]).flatMap((role) => [
        t.password(role),
        t.token(role),
      ]),
      'a password that must not be logged',
      'jbt_wrong_token_never_logged',
      s.csrfToken,
      decodeURIComponent(s.cookie.slice('jetbus.sid='.length)),
    ];
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });

  function entry(actor: string, role: AdminRole) {
    return {
      at: 'string',
      seq: 'number',
      actor,
      role,
      via: 'password',
      action: 'auth.login',
      target: actor,
      ip: expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$/),
    };
  }
});

describe('admin auth: login rate limit', () => {
  const t = useAdmin({ loginLimit: { max: 3, windowMs: 60_000 } });

  it('answers the 4th login from one address within the window with 429, even with the right password', async () => {
    const body = (password: string) => ({ username: 'admin', password });
    const statuses: number[] = [];
    for (const password of ['wrong 1', 'wrong 2', t.password('admin'), t.password('admin')]) {
      statuses.push((await call(t.url, 'POST', '/api/auth/login', {}, body(password))).status);
    }
    expect(statuses).toEqual([401, 401, 200, 429]);
    const limited = await call(t.url, 'POST', '/api/auth/login', {}, body(t.password('admin')));
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      statusCode: 429,
      error: 'TOO_MANY_REQUESTS',
      message: 'too many sign-in attempts from this address; try again later',
    });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Only sign-in is limited: a token caller is not.
    expect((await t.api('viewer').get('/api/auth/session')).status).toBe(200);
  });
});

describe('admin auth: login rate limit behind a reverse proxy (trustedProxies: 1)', () => {
  const t = useAdmin({ trustedProxies: 1, loginLimit: { max: 2, windowMs: 60_000 } });
  // The test is the proxy: it connects from 127.0.0.1 and says for whom in X-Forwarded-For.
  const attempt = (client: string) =>
    call(
      t.url,
      'POST',
      '/api/auth/login',
      { 'x-forwarded-for': client },
      { username: 'admin', password: 'wrong' },
    );

  it('limits each forwarded client on its own, and audits its address, not the proxy’s', async () => {
    const statuses: number[] = [];
    for (const client of ['203.0.113.7', '203.0.113.7', '203.0.113.7', '198.51.100.9'])
      statuses.push((await attempt(client)).status);
    // One attacker is limited; another client behind the same proxy still gets to sign in.
    expect(statuses).toEqual([401, 401, 429, 401]);
    // A forged hop prepended by the client changes nothing: the proxy's last entry is the client.
    expect((await attempt('198.51.100.9, 203.0.113.7')).status).toBe(429);
    const logins = (await auditTrail(t.jsm)).filter((e) => e.action === 'auth.login');
    expect(logins.map((e) => e.ip)).toEqual(['203.0.113.7', '203.0.113.7', '198.51.100.9']);
  });

  it('marks the session cookie Secure when the proxy says the client spoke HTTPS', async () => {
    const signIn = (client: string, proto: string) =>
      call(
        t.url,
        'POST',
        '/api/auth/login',
        { 'x-forwarded-for': client, 'x-forwarded-proto': proto },
        { username: 'viewer', password: t.password('viewer') },
      );
    const flags = async (client: string, proto: string) => {
      const res = await signIn(client, proto);
      expect(res.status).toBe(200);
      const line = res.headers.getSetCookie().find((c) => c.startsWith('jetbus.sid=')) ?? '';
      return line.split('; ').slice(1);
    };
    expect(await flags('192.0.2.1', 'https')).toContain('Secure');
    expect(await flags('192.0.2.2', 'http')).not.toContain('Secure');
  });
});

describe('admin auth: failed sign-ins per user name, from any address', () => {
  const t = useAdmin({
    trustedProxies: 1,
    loginLimit: { max: 10_000, windowMs: 60_000, failuresPerUser: 3, lockoutMs: 2_000 },
  });
  // Each attempt from its own address (the test is the proxy), so only the per-name count applies.
  let address = 0;
  const attempt = (username: string, password: string) =>
    call(
      t.url,
      'POST',
      '/api/auth/login',
      { 'x-forwarded-for': `203.0.113.${++address}` },
      { username, password },
    );
  const LOCKED_OUT = {
    statusCode: 429,
    error: 'TOO_MANY_REQUESTS',
    message: 'too many failed sign-ins for this user; try again later',
  };

  it('refuses a name after 3 failures, even with the right password, until the lockout passes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await attempt('admin', `guess ${i}`)).status);
    expect(statuses).toEqual([401, 401, 401]);
    const locked = await attempt('admin', t.password('admin'));
    expect([locked.status, locked.body]).toEqual([429, LOCKED_OUT]);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(sessionCookie(locked.headers)).toBeUndefined();
    // Another user is not held up.
    expect((await attempt('operator', t.password('operator'))).status).toBe(200);
    // An unknown name is treated the same: the answers do not tell which names exist.
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) unknown.push((await attempt('nobody', `guess ${i}`)).status);
    expect(unknown).toEqual([401, 401, 401, 429]);

    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const after = await attempt('admin', t.password('admin'));
    expect(after.status).toBe(200);
    // The success cleared the name: two more failures do not lock it again.
    expect([(await attempt('admin', 'x')).status, (await attempt('admin', 'y')).status]).toEqual([401, 401]);
    expect((await attempt('admin', t.password('admin'))).status).toBe(200);

    const refusals = (await auditTrail(t.jsm)).filter(
      (e) => e.action === 'auth.login' && e.error === LOCKED_OUT.message,
    );
    expect(refusals.map((e) => [e.target, e.result, e.ip])).toEqual([
      ['admin', 'error', '203.0.113.4'],
      ['nobody', 'error', '203.0.113.9'],
    ]);
  });

  it('admits no more parallel guesses than the limit', async () => {
    const many = await Promise.all(Array.from({ length: 8 }, (_, i) => attempt('viewer', `parallel ${i}`)));
    const statuses = many.map((r) => r.status).sort();
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
  });
});
