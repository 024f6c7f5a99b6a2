import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type AuditActor, AuditService } from '../../apps/admin/src/audit/audit.service';
import { AUDIT_SCAN_LIMIT } from '../../apps/admin/src/audit/audit-reader';
import { type StoredAuditEntry, startAdmin, tokenDigest } from '@jetbus/admin';
import { useAdmin } from '../support/use-admin';

interface Page {
  items: StoredAuditEntry[];
  next: number | null;
  scanned: number;
}

/** Every action the admin app's features write (the contract's verbs), each once per actor. */
const ACTIONS = [
  'auth.login',
  'auth.logout',
  'stream.create',
  'stream.update',
  'stream.purge',
  'stream.delete',
  'consumer.delete',
  'dlq.replay',
  'dlq.replay-bulk',
  'dlq.edit-replay',
  'dlq.delete',
  'dlq.purge',
  'scheduled.cancel',
  'job.cancel',
  // Written as `action` from a variable (the regex below does not see them).
  'periodic.pause',
  'periodic.resume',
  'access.denied',
];

/** The action literals the app's source hands to AuditService (`action: 'x.y'`). */
function actionsInSource(dir = join(__dirname, '..', '..', 'apps', 'admin', 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((f) => f.isFile() && f.name.endsWith('.ts') && !f.name.endsWith('.spec.ts'))
    .flatMap((f) => [
      ...readFileSync(join(f.parentPath, f.name), 'utf8').matchAll(/action: '([a-z][\w.-]*)'/g),
    ])
    .map((m) => m[1]);
}

const actor = (name: string): AuditActor => ({
  principal: { name, role: 'operator', via: 'password' },
  ip: '10.0.0.7',
});

describe('GET /api/audit', () => {
  const t = useAdmin();
  const audit = () => t.admin.app.get(AuditService);

  it('needs a signed-in caller (401) with the operator role (403 for a viewer)', async () => {
    expect((await t.anonymous.get('/api/audit')).status).toBe(401);
    const viewer = await t.api('viewer').get('/api/audit');
    expect(viewer.status).toBe(403);
    expect(viewer.body).toEqual({
      statusCode: 403,
      error: 'FORBIDDEN',
      message: 'this needs the operator role; viewer-token is viewer',
    });
    expect((await t.api('operator').get('/api/audit')).status).toBe(200);
  });

  it.each([
    ['limit=0', 'limit must not be less than 1'],
    ['limit=201', 'limit must not be greater than 200'],
    ['limit=ten', 'limit must be an integer number'],
    ['before=0', 'before must not be less than 1'],
    ['before=1.5', 'before must be an integer number'],
    ['since=yesterday', 'since must be an ISO 8601 time'],
    ['until=2026-13-01', 'until must be an ISO 8601 time'],
    ['result=maybe', 'result must be one of the following values: ok, error'],
    ['actor=a%20b', 'actor must be 1-64 letters, digits or . _ @ -'],
    ['action=dlq%3E', 'action must be 1-100 letters, digits or . _ -'],
    [`q=${'x'.repeat(201)}`, 'q must be shorter than or equal to 200 characters'],
    ['colour=blue', 'property colour should not exist'],
  ])('refuses %s with 400', async (query, message) => {
    const res = await t.api('operator').get<{ message: string[] }>(`/api/audit?${query}`);
    expect(res.status).toBe(400);
    // Every failed rule is listed (`limit=ten` also breaks the bounds); the one named must be there.
    expect(res.body.message).toContain(message);
  });

  it('covers every action the app writes: the list below is a superset of the source’s', () => {
    const written = [...new Set(actionsInSource())].sort();
    expect(written.length).toBeGreaterThanOrEqual(10);
    expect(written.filter((a) => !ACTIONS.includes(a))).toEqual([]);
  });

  it('finds every action type the app writes, by exact action and by prefix', async () => {
    for (const action of ACTIONS) {
      await audit().record(actor('finder'), { action, target: `target-of-${action}` }, 'ok');
    }
    for (const action of ACTIONS) {
      const res = await t.api('operator').get<Page>(`/api/audit?actor=finder&action=${action}`);
      expect(res.status).toBe(200);
      // `dlq.replay` is also the prefix of `dlq.replay-bulk`: a prefix search finds both.
      const expected = ACTIONS.filter((a) => a.startsWith(action)).reverse();
      expect(res.body.items.map((e) => e.action)).toEqual(expected);
      expect(res.body.next).toBeNull();
    }
    const dlq = await t.api('operator').get<Page>('/api/audit?actor=finder&action=dlq.');
    expect(dlq.body.items.map((e) => e.action)).toEqual(
      ACTIONS.filter((a) => a.startsWith('dlq.')).reverse(),
    );
  });

  it('finds what the app itself wrote: a real sign-in, read back by a session caller', async () => {
    const session = await t.login('operator');
    const res = await session.get<Page>('/api/audit?actor=operator&action=auth.login');
    expect(res.status).toBe(200);
    expect(res.body.items.map((e) => [e.action, e.target, e.role, e.via, e.result])).toEqual([
      ['auth.login', 'operator', 'operator', 'password', 'ok'],
    ]);
  });

  it('returns stored entries exactly as written, with their sequence', async () => {
    const before = (await t.jsm.streams.info('JETBUS_AUDIT')).state.last_seq;
    await audit().run(
      actor('exact'),
      { action: 'dlq.edit-replay', target: '42', before: { payload: 'old' }, after: { payload: 'new' } },
      () => Promise.resolve({ replayed: 1 }),
      (r) => r,
    );
    const res = await t.api('operator').get<Page>('/api/audit?actor=exact');
    expect(res.body.items).toHaveLength(1);
    const [entry] = res.body.items;
    expect(entry).toEqual({
      seq: before + 1,
      at: entry.at,
      actor: 'exact',
      role: 'operator',
      via: 'password',
      action: 'dlq.edit-replay',
      target: '42',
      before: { payload: 'old' },
      after: { payload: 'new' },
      result: 'ok',
      outcome: { replayed: 1 },
      ip: '10.0.0.7',
    });
  });

  it('searches free text over target, filter and error, case-insensitively', async () => {
    await audit().record(actor('texts'), { action: 'stream.delete', target: 'PAYMENTS' }, 'ok');
    await audit().record(
      actor('texts'),
      { action: 'dlq.purge', target: 'JETBUS_DLQ', filter: { subject: 'payments.refund' } },
      'ok',
    );
    await expect(
      audit().run(actor('texts'), { action: 'stream.purge', target: 'ORDERS' }, () =>
        Promise.reject(new Error('Payments service refused')),
      ),
    ).rejects.toThrow('Payments service refused');
    await audit().record(actor('texts'), { action: 'stream.create', target: 'ORDERS' }, 'ok');

    const found = await t.api('operator').get<Page>('/api/audit?actor=texts&q=payments');
    expect(found.body.items.map((e) => [e.action, e.target])).toEqual([
      ['stream.purge', 'ORDERS'],
      ['dlq.purge', 'JETBUS_DLQ'],
      ['stream.delete', 'PAYMENTS'],
    ]);
    const failed = await t.api('operator').get<Page>('/api/audit?actor=texts&result=error');
    expect(failed.body.items.map((e) => [e.action, e.error])).toEqual([
      ['stream.purge', 'Payments service refused'],
    ]);
    const ok = await t.api('operator').get<Page>('/api/audit?actor=texts&result=ok&q=orders');
    expect(ok.body.items.map((e) => e.action)).toEqual(['stream.create']);
  });

  it('filters by time: since inclusive, until exclusive', async () => {
    await audit().record(actor('clock'), { action: 'stream.update', target: 'A' }, 'ok');
    const { body } = await t.api('operator').get<Page>('/api/audit?actor=clock');
    const at = body.items[0].at;
    const later = new Date(Date.parse(at) + 1).toISOString();
    expect((await t.api('operator').get<Page>(`/api/audit?actor=clock&since=${at}`)).body.items).toHaveLength(
      1,
    );
    expect(
      (await t.api('operator').get<Page>(`/api/audit?actor=clock&since=${later}`)).body.items,
    ).toHaveLength(0);
    expect((await t.api('operator').get<Page>(`/api/audit?actor=clock&until=${at}`)).body.items).toHaveLength(
      0,
    );
    expect(
      (await t.api('operator').get<Page>(`/api/audit?actor=clock&until=${later}`)).body.items,
    ).toHaveLength(1);
  });

  it('pages newest first with `before`, until next is null', async () => {
    for (let i = 1; i <= 5; i++) {
      await audit().record(actor('pager'), { action: 'dlq.delete', target: String(i) }, 'ok');
    }
    const targets: string[] = [];
    let before: number | null = Number.MAX_SAFE_INTEGER;
    let pages = 0;
    while (before !== null) {
      const res: { body: Page } = await t
        .api('operator')
        .get<Page>(`/api/audit?actor=pager&limit=2&before=${before}`);
      targets.push(...res.body.items.map((e) => e.target));
      before = res.body.next;
      pages++;
    }
    expect(targets).toEqual(['5', '4', '3', '2', '1']);
    expect(pages).toBe(3);
  });

  it('reads at most AUDIT_SCAN_LIMIT entries per request and says where to go on', async () => {
    // 5,050 entries by one actor, then a search for another: the first page stops at the limit.
    const js = t.js;
    const entry = {
      at: new Date().toISOString(),
      actor: 'bulk',
      role: 'admin',
      via: 'token',
      action: 'x.y',
      target: 't',
      result: 'ok',
    };
    const acks = [];
    for (let i = 0; i < AUDIT_SCAN_LIMIT + 50; i++)
      acks.push(js.publish('jetbus.audit.x.y', JSON.stringify(entry)));
    await Promise.all(acks);
    const last = (await t.jsm.streams.info('JETBUS_AUDIT')).state.last_seq;
    const res = await t.api('operator').get<Page>('/api/audit?actor=nobody');
    expect(res.body).toEqual({ items: [], next: last - AUDIT_SCAN_LIMIT + 1, scanned: AUDIT_SCAN_LIMIT });
  });
});

describe('GET /api/audit/export', () => {
  const t = useAdmin();

  it('needs the admin role: 401 anonymous, 403 operator', async () => {
    expect((await t.anonymous.get('/api/audit/export')).status).toBe(401);
    const res = await t.api('operator').get('/api/audit/export');
    expect(res.status).toBe(403);
  });

  it('refuses a bad filter with 400', async () => {
    const res = await t.api('admin').get<{ message: string[] }>('/api/audit/export?result=maybe');
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(['result must be one of the following values: ok, error']);
    const paged = await t.api('admin').get<{ message: string[] }>('/api/audit/export?limit=5');
    expect(paged.status).toBe(400);
    expect(paged.body.message).toEqual(['property limit should not exist']);
  });

  it('streams every matching entry as JSON lines, oldest first', async () => {
    const audit = t.admin.app.get(AuditService);
    for (const action of ACTIONS) await audit.record(actor('exporter'), { action, target: action }, 'ok');
    await audit.record(actor('someone-else'), { action: 'stream.create', target: 'X' }, 'ok');

    const res = await t.api('admin').get('/api/audit/export?actor=exporter');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="jetbus-audit.ndjson"');
    const lines = res.text.split('\n');
    expect(lines.pop()).toBe('');
    const entries = lines.map((l) => JSON.parse(l) as StoredAuditEntry);
    expect(entries.map((e) => e.action)).toEqual(ACTIONS);
    expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => a - b));

    const errors = await t.api('admin').get('/api/audit/export?actor=exporter&action=auth.');
    expect(
      errors.text
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as StoredAuditEntry).action),
    ).toEqual(['auth.login', 'auth.logout']);
  });
});

describe('the audit stream', () => {
  const t = useAdmin({}, { server: { monitoring: true } });
  const connections = async () => {
    const connz = await fetch(`${t.server.monitoringUrl ?? ''}/connz`);
    return ((await connz.json()) as { num_connections: number }).num_connections;
  };

  it('is refused at startup when it exists but lets its entries be deleted or purged, leaving no connection', async () => {
    await t.jsm.streams.add({ name: 'LOOSE_AUDIT', subjects: ['loose.audit.>'], deny_purge: true });
    const before = await connections();
    await expect(
      startAdmin({
        nats: { servers: t.server.url },
        port: 0,
        ui: false,
        logger: false,
        auditStream: 'LOOSE_AUDIT',
        tokens: [{ name: 'ops', role: 'operator', sha256: tokenDigest('loose-audit-token') }],
      }),
    ).rejects.toMatchObject({
      name: 'JetbusConfigError',
      message: expect.stringContaining(
        'stream LOOSE_AUDIT allows deleting entries, so the audit trail would not be append-only',
      ) as unknown,
    });
    // The failed start closed the connection it had opened (it used to stay, reconnecting forever).
    expect(await connections()).toBe(before);
  });
});
