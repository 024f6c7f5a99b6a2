import { request } from 'node:http';
import { type AdminServer, startAdmin } from '@jetbus/admin';
import { auditTrail } from '../support/audit-trail';
import { useAdmin } from '../support/use-admin';

/*
 * DNS rebinding: a web page on attacker.example whose name is made to resolve to 127.0.0.1 reaches
 * an app bound to loopback with `Host: attacker.example`, and its script reads the answers as its
 * own site's. The app answers only the host names it is reached by (`allowedHosts`), 421 to others.
 */

interface Answer {
  status: number;
  body: { statusCode?: number; message?: string; code?: string; status?: string } | undefined;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTP/1.1 request to the app's socket with exactly this Host header (none when null). */
function send(
  url: string,
  host: string | null,
  {
    method = 'GET',
    path = '/health',
    headers = {},
    body,
  }: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method,
        path,
        setHost: false,
        headers: { ...(host === null ? {} : { host }), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let parsed: Answer['body'];
          try {
            parsed = text ? (JSON.parse(text) as Answer['body']) : undefined;
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('admin: Host header allowlist, default on loopback', () => {
  const t = useAdmin();
  const port = () => new URL(t.url).port;

  it.each(['127.0.0.1', 'localhost', 'LOCALHOST.', 'app.localhost', '[::1]'])(
    'answers a loopback name: %s',
    async (name) => {
      const res = await send(t.url, `${name}:${port()}`);
      expect([res.status, res.body?.status]).toEqual([200, 'ok']);
    },
  );

  it.each([
    ['attacker.example', 'this app does not answer to the host "attacker.example:PORT" (allowedHosts)'],
    [
      'localhost.attacker.example',
      'this app does not answer to the host "localhost.attacker.example:PORT" (allowedHosts)',
    ],
    ['127.0.0.1.nip.io', 'this app does not answer to the host "127.0.0.1.nip.io:PORT" (allowedHosts)'],
  ])('answers 421 to %s', async (name, message) => {
    const res = await send(t.url, `${name}:${port()}`);
    expect(res.status).toBe(421);
    expect(res.body).toEqual({
      statusCode: 421,
      error: 'MISDIRECTED',
      message: message.replace('PORT', port()),
      code: 'HOST_NOT_ALLOWED',
    });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves nothing without a Host header, or with one that is not a host name', async () => {
    // Node's HTTP server itself refuses an HTTP/1.1 request without Host (400) before the app sees it.
    expect((await send(t.url, null)).status).toBe(400);
    for (const host of ['user@localhost', 'localhost:1:2', `localhost:${port()}/x`]) {
      expect((await send(t.url, host)).status).toBe(421);
    }
  });

  it('serves a rebound page nothing: no data for a valid token, no sign-in, no cookie, no audit entry', async () => {
    const evil = `attacker.example:${port()}`;
    const read = await send(t.url, evil, {
      path: '/api/streams',
      headers: { authorization: `Bearer ${t.token('admin')}` },
    });
    expect(read.status).toBe(421);
    const login = await send(t.url, evil, {
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: t.password('admin') }),
    });
    expect(login.status).toBe(421);
    expect(login.headers['set-cookie']).toBeUndefined();
    // X-Forwarded-Host is the page's to set: it never stands in for the Host header.
    const forwarded = await send(t.url, evil, { headers: { 'x-forwarded-host': 'localhost' } });
    expect(forwarded.status).toBe(421);
    expect((await auditTrail(t.jsm)).filter((e) => e.action === 'auth.login')).toEqual([]);
    // The same requests by a loopback name work.
    const ok = await send(t.url, `localhost:${port()}`, {
      path: '/api/streams',
      headers: { authorization: `Bearer ${t.token('admin')}` },
    });
    expect(ok.status).toBe(200);
  });
});

describe('admin: Host header allowlist, configured', () => {
  const t = useAdmin();
  let admin: AdminServer | undefined;
  afterAll(async () => {
    await admin?.close();
  });

  it('answers exactly the configured names and *.domain patterns, loopback ones included only if listed', async () => {
    admin = await startAdmin({
      port: 0,
      logger: false,
      nats: { servers: t.server.url },
      users: [],
      tokens: [{ name: 'ci', role: 'viewer', sha256: 'a'.repeat(64) }],
      allowedHosts: ['admin.example.com', '*.ops.example.com'],
    });
    const status = async (host: string) => (await send(admin?.url ?? '', host)).status;
    expect(await status('admin.example.com')).toBe(200);
    expect(await status('ADMIN.example.com:443')).toBe(200);
    expect(await status('eu.ops.example.com')).toBe(200);
    expect(await status('ops.example.com')).toBe(421);
    expect(await status('localhost')).toBe(421);
    expect(await status('127.0.0.1')).toBe(421);
  });
});
