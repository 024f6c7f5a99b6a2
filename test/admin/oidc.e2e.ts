import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type AdminOptions } from '@jetbus/admin';
import { freePort } from '@jetbus/testing';
import { auditTrail } from '../support/audit-trail';
import { call, sessionCookie, useAdmin } from '../support/use-admin';

const CLIENT_ID = 'jetbus-admin';
const CLIENT_SECRET = 'oidc client secret, only for tests';

/** Starts test/support/oidc-test-provider.mjs and resolves with its issuer URL. */
function startProvider(redirectUri: string): Promise<{ child: ChildProcess; issuer: string }> {
  const child = spawn(process.execPath, [join(__dirname, '..', 'support', 'oidc-test-provider.mjs')], {
    env: { ...process.env, REDIRECT_URI: redirectUri, CLIENT_ID, CLIENT_SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`the OIDC provider exited (${code}): ${stderr}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      resolve({ child, issuer: (JSON.parse(line) as { issuer: string }).issuer });
    });
  });
}

/** Cookies by name, as a browser would keep them for one site (paths ignored: one flow at a time). */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** One GET that does not follow redirects, with the jar's cookies; the jar keeps what it sets. */
async function get(url: string, jar: CookieJar): Promise<Response> {
  const res = await fetch(url, { headers: { cookie: jar.header() }, redirect: 'manual' });
  jar.take(res.headers);
  return res;
}

const location = (res: Response, base: string): string =>
  new URL(res.headers.get('location') ?? '', base).href;

/**
 * The admin app (`useAdmin`) with OIDC against a provider started for it on a free port, and
 * stopped after. useAdmin() reads its options in its beforeAll, which runs after this one.
 */
function useOidcAdmin(options: Partial<AdminOptions>, oidc: Partial<NonNullable<AdminOptions['oidc']>> = {}) {
  let provider: ChildProcess | undefined;
  beforeAll(async () => {
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/auth/oidc/callback`;
    const started = await startProvider(redirectUri);
    provider = started.child;
    options.port = port;
    options.oidc = {
      issuer: started.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri,
      ...oidc,
    };
  });
  afterAll(() => {
    provider?.kill('SIGTERM');
  });
  return useAdmin(options);
}

describe('admin auth: OIDC login against a real provider (oidc-provider)', () => {
  const options: Partial<AdminOptions> = {};
  const t = useOidcAdmin(options, { roleMap: { 'jetbus-admins': 'admin', staff: 'viewer' } });

  /**
   * Browser steps up to the provider's redirect back: the app's login redirect (and its
   * transaction cookie), the provider's authorization endpoint, the interaction signing `account`
   * in, and the resume. Returns the callback URL the provider sends the browser to.
   */
  async function signInAtProvider(account: string, app: CookieJar): Promise<string> {
    const start = await get(`${t.url}/auth/oidc/login`, app);
    expect(start.status).toBe(302);
    const idp = new CookieJar();
    const authorize = await get(location(start, t.url), idp);
    expect(authorize.status).toBe(303);
    const interaction = new URL(location(authorize, authorize.url));
    interaction.searchParams.set('account', account);
    const finished = await get(interaction.href, idp);
    expect(finished.status).toBe(303);
    const resumed = await get(location(finished, interaction.href), idp);
    expect(resumed.status).toBe(303);
    const callback = location(resumed, interaction.href);
    expect(callback.startsWith(`${t.url}/auth/oidc/callback?`)).toBe(true);
    return callback;
  }

  it('GET /api/auth/providers offers the provider', async () => {
    const res = await t.anonymous.get('/api/auth/providers');
    expect(res.body).toEqual({
      password: true,
      oidc: { label: 'Single sign-on', loginUrl: '/auth/oidc/login' },
    });
  });

  it('redirects to the provider with PKCE (S256), state and nonce, holding the transaction in a Lax cookie', async () => {
    const jar = new CookieJar();
    const res = await get(`${t.url}/auth/oidc/login`, jar);
    const url = new URL(location(res, t.url));
    expect(url.origin).toBe(options.oidc?.issuer);
    expect(
      Object.fromEntries(
        [...url.searchParams].filter(([k]) => !['state', 'nonce', 'code_challenge'].includes(k)),
      ),
    ).toEqual({
      client_id: CLIENT_ID,
      redirect_uri: options.oidc?.redirectUri,
      scope: 'openid profile email',
      response_type: 'code',
      code_challenge_method: 'S256',
    });
    for (const key of ['state', 'nonce', 'code_challenge']) {
      expect(url.searchParams.get(key)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('jetbus.oidc='));
    expect(cookie).toMatch(
      /^jetbus\.oidc=[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/auth\/oidc; Expires=.*; HttpOnly; SameSite=Lax$/,
    );
  });

  it('signs a user in with the role of their claim: a session via oidc, then the UI', async () => {
    const app = new CookieJar();
    const callback = await signInAtProvider('alice', app);
    const res = await get(callback, app);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookie = sessionCookie(res.headers) ?? '';
    const session = await call<Record<string, unknown>>(t.url, 'GET', '/api/auth/session', { cookie });
    expect(session.body).toEqual({
      name: 'alice',
      role: 'operator',
      via: 'oidc',
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const flags = (res.headers.getSetCookie().find((c) => c.startsWith('jetbus.sid=')) ?? '').split('; ');
    expect(flags).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Strict']));
    // The session is a session like any other: CSRF applies, logout ends it.
    const token = session.body.csrfToken as string;
    expect((await call(t.url, 'POST', '/api/auth/logout', { cookie })).status).toBe(403);
    expect((await call(t.url, 'POST', '/api/auth/logout', { cookie, 'x-csrf-token': token })).status).toBe(
      204,
    );
  });

  it('maps a list claim through roleMap and takes the highest role', async () => {
    const app = new CookieJar();
    const res = await get(await signInAtProvider('carol', app), app);
    const cookie = sessionCookie(res.headers) ?? '';
    const session = await call(t.url, 'GET', '/api/auth/session', { cookie });
    expect(session.body).toMatchObject({ name: 'carol', role: 'admin', via: 'oidc' });
  });

  it('refuses a user without a jetbus role with 403 and no session, and audits it', async () => {
    for (const [account, message] of [
      ['bob', 'bob has no jetbus role'],
      ['mallory', 'mallory has no jetbus role'],
    ]) {
      const app = new CookieJar();
      const res = await get(await signInAtProvider(account, app), app);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ statusCode: 403, error: 'FORBIDDEN', message });
      expect(sessionCookie(res.headers)).toBeUndefined();
    }
    const refused = (await auditTrail(t.jsm)).filter((e) => e.via === 'oidc' && e.result === 'error');
    expect(refused.map(({ actor, action, target, error }) => ({ actor, action, target, error }))).toEqual(
      expect.arrayContaining([
        { actor: 'bob', action: 'auth.login', target: 'bob', error: 'bob has no jetbus role' },
        { actor: 'mallory', action: 'auth.login', target: 'mallory', error: 'mallory has no jetbus role' },
      ]),
    );
  });

  it('refuses a tampered state, and the transaction cannot be retried with the right one', async () => {
    const app = new CookieJar();
    const callback = new URL(await signInAtProvider('alice', app));
    const state = callback.searchParams.get('state') ?? '';
    callback.searchParams.set('state', `${state.slice(0, -2)}xx`);
    const tampered = await get(callback.href, app);
    expect(tampered.status).toBe(403);
    const body = (await tampered.json()) as { message: string };
    expect(body.message).toBe(
      'single sign-on failed: invalid response encountered: unexpected "state" response parameter value',
    );
    expect(sessionCookie(tampered.headers)).toBeUndefined();
    callback.searchParams.set('state', state);
    const retried = await fetch(callback.href, { headers: { cookie: app.header() }, redirect: 'manual' });
    expect(retried.status).toBe(403);
  });

  it('refuses a callback without the browser that started it (no transaction cookie)', async () => {
    const app = new CookieJar();
    const callback = await signInAtProvider('alice', app);
    const res = await fetch(callback, { redirect: 'manual' });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      statusCode: 403,
      error: 'FORBIDDEN',
      message: 'sign-in expired or was not started here; sign in again',
    });
  });

  it('audits the sign-ins (ok via oidc) and never logs the client secret or the codes', async () => {
    const entries = await auditTrail(t.jsm);
    const ok = entries.filter((e) => e.via === 'oidc' && e.result === 'ok' && e.action === 'auth.login');
    expect(ok.map((e) => [e.actor, e.role])).toEqual([
      ['alice', 'operator'],
      ['carol', 'admin'],
    ]);
    expect(JSON.stringify(t.logs.records)).not.toContain(CLIENT_SECRET);
    expect(JSON.stringify(entries)).not.toContain(CLIENT_SECRET);
  });
});

describe('admin auth: OIDC sign-in starts per address (loginLimit)', () => {
  const t = useOidcAdmin({ loginLimit: { max: 3, windowMs: 60_000 } });

  it('answers 429 past loginLimit.max starts from one address: nobody can push out others’ pending sign-ins', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await get(`${t.url}/auth/oidc/login`, new CookieJar())).status);
    expect(statuses).toEqual([302, 302, 302, 429, 429]);
  });
});
