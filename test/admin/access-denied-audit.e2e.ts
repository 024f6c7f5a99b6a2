import { type StoredAuditEntry, startAdmin, tokenDigest } from '@jetbus/admin';
import { auditTrail } from '../support/audit-trail';
import { apiClient, call, useAdmin } from '../support/use-admin';
import { waitFor } from '../support/wait-for';

/*
 * A signed-in viewer refused a state-changing route as fast as it can send requests must not flood
 * the append-only trail: `access.denied` entries are coalesced per caller and window, and their
 * counts still add up to every refusal.
 */

const denied = async (stream: string, actor: string): Promise<StoredAuditEntry[]> =>
  (await auditTrail(t.jsm, stream)).filter((e) => e.action === 'access.denied' && e.actor === actor);
const counted = (entries: StoredAuditEntry[]): number => entries.reduce((n, e) => n + (e.count ?? 1), 0);

// The window is long enough for 200 requests on a loaded machine to fall in one.
const t = useAdmin({ accessDeniedAudit: { windowMs: 4_000, distinctPerActor: 3 } });

describe('admin: access.denied entries at a bounded rate (accessDeniedAudit)', () => {
  it('writes the first refusal at once and its 199 repeats as one entry with their count when the window ends', async () => {
    const viewer = t.api('viewer');
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => viewer.delete('/api/streams/ORDERS?confirm=ORDERS')),
    );
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([403]));

    // The first is in the trail before its 403 was answered.
    const first = await denied('JETBUS_AUDIT', 'viewer-token');
    expect(first).toEqual([
      expect.objectContaining({
        target: 'DELETE /api/streams/ORDERS',
        error: 'this needs the admin role; viewer-token is viewer',
      }),
    ]);
    expect(first[0]?.count).toBeUndefined();

    const both = await waitFor('the repeats written', async () => {
      const entries = await denied('JETBUS_AUDIT', 'viewer-token');
      return entries.length === 2 && entries;
    });
    expect(both[1]).toMatchObject({
      target: 'DELETE /api/streams/ORDERS',
      result: 'error',
      error: 'this needs the admin role; viewer-token is viewer',
      ip: first[0]?.ip,
      count: 199,
      firstAt: expect.any(String) as string,
      lastAt: expect.any(String) as string,
    });
    expect(Date.parse(both[1]?.lastAt ?? '')).toBeGreaterThanOrEqual(Date.parse(both[1]?.firstAt ?? ''));
    expect(counted(both)).toBe(200);
  });

  it('counts a caller varying the path past distinctPerActor kinds into one entry, losing none', async () => {
    const viewer = t.api('viewer');
    const earlier = (await denied('JETBUS_AUDIT', 'viewer-token')).length;
    // A new window: 3 kinds are written on their own, the other 97 refused paths are one entry.
    const paths = Array.from({ length: 100 }, (_, i) => `/api/streams/S${i}/purge`);
    // The first eight in order (the kinds written, then the examples quoted), the rest at once.
    for (const path of paths.slice(0, 8)) expect((await viewer.post(path, {})).status).toBe(403);
    const rest = await Promise.all(paths.slice(8).map((path) => viewer.post(path, {})));
    expect(new Set(rest.map((r) => r.status))).toEqual(new Set([403]));
    const entries = await waitFor('the window written out', async () => {
      const all = await denied('JETBUS_AUDIT', 'viewer-token');
      return all.length === earlier + 4 && all.slice(earlier);
    });
    expect(entries.map((e) => [e.target, e.count])).toEqual([
      ['POST /api/streams/S0/purge', undefined],
      ['POST /api/streams/S1/purge', undefined],
      ['POST /api/streams/S2/purge', undefined],
      ['*', 97],
    ]);
    expect(entries[3]?.error).toBe(
      'refusals of more than 3 kinds (method, path, reason, address) in one window ' +
        '(accessDeniedAudit.distinctPerActor), among them: POST /api/streams/S3/purge, ' +
        'POST /api/streams/S4/purge, POST /api/streams/S5/purge, POST /api/streams/S6/purge, ' +
        'POST /api/streams/S7/purge',
    );
    expect(counted(entries)).toBe(100);
  });

  it('keeps callers and reasons apart: a forged CSRF request on a session is its own entry', async () => {
    const session = await t.login('operator');
    for (let i = 0; i < 5; i++) {
      const res = await call(
        t.url,
        'POST',
        '/api/dead-letters/purge',
        { cookie: session.cookie },
        { all: true },
      );
      expect(res.status).toBe(403);
    }
    const entries = await waitFor('the operator’s repeats written', async () => {
      const all = await denied('JETBUS_AUDIT', 'operator');
      return all.length === 2 && all;
    });
    expect(entries.map((e) => [e.via, e.target, e.error, e.count])).toEqual([
      ['password', 'POST /api/dead-letters/purge', 'missing or wrong x-csrf-token header', undefined],
      ['password', 'POST /api/dead-letters/purge', 'missing or wrong x-csrf-token header', 4],
    ]);
  });
});

describe('admin: access.denied counts pending at shutdown', () => {
  it('are written before the app closes its NATS connection', async () => {
    const token = 'jbt_shutdown_viewer_token_0123456789';
    const admin = await startAdmin({
      port: 0,
      logger: false,
      nats: { servers: t.server.url },
      tokens: [{ name: 'closing-viewer', role: 'viewer', sha256: tokenDigest(token) }],
      // A window far longer than the test: only the shutdown can write it out.
      accessDeniedAudit: { windowMs: 3_600_000 },
    });
    try {
      const viewer = apiClient(admin.url, () => ({ authorization: `Bearer ${token}` }));
      for (let i = 0; i < 25; i++)
        expect((await viewer.post('/api/dead-letters/purge', { all: true })).status).toBe(403);
      expect((await denied('JETBUS_AUDIT', 'closing-viewer')).map((e) => e.count)).toEqual([undefined]);
    } finally {
      await admin.close();
    }
    const entries = await denied('JETBUS_AUDIT', 'closing-viewer');
    expect(entries.map((e) => [e.target, e.count])).toEqual([
      ['POST /api/dead-letters/purge', undefined],
      ['POST /api/dead-letters/purge', 24],
    ]);
  });
});
