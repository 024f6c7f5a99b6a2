import { auditTrail } from '../support/audit-trail';
import { call, useAdmin } from '../support/use-admin';
import { writeDeadLetter } from '../dead-letter/support/dead-letter-writer';

/*
 * The admin app attacked from outside: by a client sending hostile requests, and by whoever can
 * write a dead letter (its subject and payload are data from the wire) that an operator replays.
 */

interface ErrorBody {
  statusCode: number;
  message: string | string[];
  code?: string;
}

/** The app's audit stream, not the default one: replay must refuse whichever stream the app appends to. */
const AUDIT = 'APP_AUDIT';

describe('admin: hostile requests and hostile dead letters', () => {
  const t = useAdmin({ auditStream: AUDIT });

  beforeAll(async () => {
    await t.jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'] });
  });

  it('will not replay a dead letter into the audit stream, where it would forge an entry', async () => {
    // What a writer of dlq.> could store: a "job" on an audit subject whose payload is an entry.
    const forged = {
      at: '2020-01-01T00:00:00.000Z',
      actor: 'mallory',
      role: 'admin',
      via: 'password',
      action: 'stream.delete',
      target: 'ORDERS',
      result: 'ok',
    };
    const seq = await writeDeadLetter(t.js, { subject: 'jetbus.audit.stream.delete', seq: 1, data: forged });
    const operator = t.api('operator');

    const one = await operator.post<ErrorBody>(`/api/dead-letters/${seq}/replay`);
    expect([one.status, one.body.code]).toEqual([409, 'REPLAY_TARGET']);
    expect(one.body.message).toContain(AUDIT);
    const edited = await operator.post<ErrorBody>(`/api/dead-letters/${seq}/edit-replay`, {
      payload: JSON.stringify(forged),
    });
    expect([edited.status, edited.body.code]).toEqual([409, 'REPLAY_TARGET']);
    const plan = await operator.post<{ replayable: number; kept: { seq: number; message: string }[] }>(
      '/api/dead-letters/replay',
      { seqs: [seq], dryRun: true },
    );
    expect(plan.body.replayable).toBe(0);
    expect(plan.body.kept).toEqual([{ seq, message: expect.stringContaining(AUDIT) as string }]);

    expect((await t.api('viewer').get(`/api/dead-letters/${seq}`)).status).toBe(200);
    const trail = await auditTrail(t.jsm, AUDIT);
    expect(trail.filter((e) => e.actor === 'mallory')).toEqual([]);
    expect(trail.filter((e) => e.target === `JETBUS_DLQ/${seq}`).map((e) => [e.action, e.result])).toEqual([
      ['dlq.replay', 'error'],
      ['dlq.edit-replay', 'error'],
    ]);
  });

  it('answers 413 for an edit that fits max_payload alone but not with the job’s headers, and keeps the entry', async () => {
    await t.jsm.streams.add({ name: 'BIG', subjects: ['big.>'] });
    const seq = await writeDeadLetter(t.js, {
      subject: 'big.job',
      seq: 2,
      headers: { 'X-Note': 'n'.repeat(512) },
    });
    const max = t.nc.info?.max_payload ?? 0;
    const res = await t.api('operator').post<ErrorBody>(`/api/dead-letters/${seq}/edit-replay`, {
      payload: 'x'.repeat(max - 100),
    });
    expect(res.status).toBe(413);
    expect(res.body.message).toMatch(
      new RegExp(`^message for "big\\.job" is \\d+ bytes, over the server's max_payload of ${max} bytes$`),
    );
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await t.api('viewer').get(`/api/dead-letters/${seq}`)).status).toBe(200);
    expect((await t.jsm.streams.info('BIG')).state.messages).toBe(0);
  });

  it('audits a state-changing request refused for its role or its CSRF token, not a refused read', async () => {
    const viewer = t.api('viewer');
    expect((await viewer.delete('/api/streams/JETBUS_DLQ?confirm=JETBUS_DLQ')).status).toBe(403);
    expect((await viewer.get('/api/audit')).status).toBe(403);
    const session = await t.login('operator');
    const forged = await call(
      t.url,
      'POST',
      '/api/dead-letters/purge',
      { cookie: session.cookie },
      { all: true },
    );
    expect(forged.status).toBe(403);
    expect((await t.anonymous.post('/api/dead-letters/purge', { all: true })).status).toBe(401);

    const denied = (await auditTrail(t.jsm, AUDIT)).filter((e) => e.action === 'access.denied');
    expect(denied).toEqual([
      expect.objectContaining({
        actor: 'viewer-token',
        role: 'viewer',
        via: 'token',
        target: 'DELETE /api/streams/JETBUS_DLQ',
        result: 'error',
        error: 'this needs the admin role; viewer-token is viewer',
        ip: expect.any(String) as string,
      }),
      expect.objectContaining({
        actor: 'operator',
        role: 'operator',
        via: 'password',
        target: 'POST /api/dead-letters/purge',
        result: 'error',
        error: 'missing or wrong x-csrf-token header',
      }),
    ]);
    expect(await t.jsm.streams.info('JETBUS_DLQ')).toBeDefined();
  });
  it('creates no stream whose name or subjects hold control or invisible formatting characters', async () => {
    const admin = t.api('admin');
    const message = (name: string, subjects: string[]) =>
      admin.post<ErrorBody>('/api/streams', { name, subjects }).then((r) => [r.status, r.body.message]);
    // U+202E shows the rest reversed: "ORDERS\u202eXAT" reads as another stream in a terminal or log.
    expect(await message('ORDERS\u202eXAT', ['spoof.>'])).toEqual([
      400,
      ['name must not contain control or invisible formatting characters'],
    ]);
    expect(await message('A\u0001B', ['ctl.>'])).toEqual([
      400,
      ['name must not contain control or invisible formatting characters'],
    ]);
    expect(await message('ZW\u200b', ['zw.>'])).toEqual([
      400,
      ['name must not contain control or invisible formatting characters'],
    ]);
    expect(await message('NUL', ['nul.a\u0000b'])).toEqual([
      400,
      ['each value in subjects must not contain control or invisible formatting characters'],
    ]);
    const update = await admin.patch<ErrorBody>('/api/streams/JETBUS_DLQ', {
      subjects: ['dlq.>', 'x\u2066.>'],
    });
    expect([update.status, update.body.message]).toEqual([
      400,
      ['each value in subjects must not contain control or invisible formatting characters'],
    ]);
    expect((await t.jsm.streams.names().next()).filter((n) => /[^\x20-\x7e]/.test(n))).toEqual([]);
    // Names made outside the app are still read by the name as it is (and so can be deleted).
    await t.jsm.streams.add({ name: 'OUTSIDE\u202e', subjects: ['outside.>'] });
    expect((await t.api('viewer').get(`/api/streams/${encodeURIComponent('OUTSIDE\u202e')}`)).status).toBe(
      200,
    );
  });

  it('tells browsers and proxies to store no API answer: payloads, headers, the trail', async () => {
    const seq = await writeDeadLetter(t.js, { subject: 'orders.secret', seq: 3, data: { card: '4111' } });
    const viewer = t.api('viewer');
    for (const path of [`/api/dead-letters/${seq}`, '/api/dead-letters', '/api/streams', '/api/nothing']) {
      expect([path, (await viewer.get(path)).headers.get('cache-control')]).toEqual([path, 'no-store']);
    }
    expect((await t.anonymous.get('/api/streams')).headers.get('cache-control')).toBe('no-store');
  });
});

describe('admin: JSON bodies nested too deep', () => {
  const t = useAdmin();
  const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it('answers 400 naming the limit, from anyone, and logs no error', async () => {
    // Anonymous, at the one public route that takes a body; and an operator at a bulk replay.
    const login = await t.anonymous.post<ErrorBody>(
      '/api/auth/login',
      `{"username":${nested(100_000)},"password":"x"}`,
    );
    const replay = await t
      .api('operator')
      .post<ErrorBody>(
        '/api/dead-letters/replay',
        `{"filter":${'{"q":'.repeat(5_000)}1${'}'.repeat(5_000)}}`,
      );
    // Just past the limit, and as deep as the body limit allows.
    const past = await t.api('admin').post<ErrorBody>('/api/streams', `{"name":"D","x":${nested(32)}}`);
    const widest = await t.api('admin').post<ErrorBody>('/api/streams', nested(2 * 1024 * 1024 - 16));
    for (const res of [login, replay, past, widest])
      expect([res.status, res.body.message]).toEqual([
        400,
        'the JSON body nests objects or arrays deeper than 32 levels',
      ]);
    // What the API takes still passes.
    const ok = await t.api('admin').post('/api/streams', { name: 'SHALLOW', subjects: ['shallow.>'] });
    expect(ok.status).toBe(201);
    expect(t.logs.records.filter((r) => Number(r.level) >= 50)).toEqual([]);
  });
});
