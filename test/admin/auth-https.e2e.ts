import { request } from 'node:https';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AdminOptions } from '@jetbus/admin';
import { createTestPki } from '@jetbus/testing';
import { fixturePassword, useAdmin } from '../support/use-admin';

interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request trusting only the test CA (fetch cannot be given a CA without undici). */
function httpsCall(url: string, ca: Buffer, method: string, body?: unknown): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, ca, headers: body === undefined ? {} : { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('admin app over HTTPS', () => {
  // useAdmin() reads its options in its beforeAll, which runs after this one.
  const options: Partial<AdminOptions> = {};
  let dir = '';
  let ca = Buffer.alloc(0);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jetbus-admin-https-'));
    const pki = await createTestPki(dir);
    ca = await readFile(pki.caFile);
    options.https = { certFile: pki.serverCert, keyFile: pki.serverKey };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const t = useAdmin(options);

  it('serves https with HSTS, and marks the session cookie Secure', async () => {
    expect(t.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await httpsCall(`${t.url}/api/auth/login`, ca, 'POST', {
      username: 'viewer',
      password: fixturePassword('viewer'),
    });
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const cookie = ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('jetbus.sid='));
    const flags = (cookie ?? '')
      .split(';')
      .slice(1)
      .map((f) => f.trim());
    expect(flags).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'Secure', 'SameSite=Strict']));
  });

  it('refuses a client that does not trust the certificate', async () => {
    await expect(httpsCall(`${t.url}/api/auth/providers`, Buffer.alloc(0), 'GET')).rejects.toThrow();
  });
});
