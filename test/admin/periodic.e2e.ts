import { type JetStreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { type AuditEntry } from '@jetbus/admin';
import { useAdmin } from '../support/use-admin';

/** The latest audit entry of `action`, read straight from the audit stream (not through the app). */
async function lastAudit(jsm: JetStreamManager, action: string): Promise<AuditEntry | undefined> {
  const msg = await jsm.streams.getMessage('JETBUS_AUDIT', { last_by_subj: `jetbus.audit.${action}` });
  return msg?.json<AuditEntry>();
}

describe('/api/periodic', () => {
  const t = useAdmin();
  let kv: KV;

  beforeAll(async () => {
    // What a worker with a `@Periodic('0 0 2 * * *', { name: 'nightly' })` writes at startup.
    kv = await new Kvm(t.js).create('JETBUS_PERIODIC', { history: 1 });
    await kv.put(
      'def.nightly',
      JSON.stringify({
        name: 'nightly',
        cron: '0 0 2 * * *',
        timezone: 'UTC',
        subject: 'jetbus.periodic.nightly',
        overlap: true,
        missed: 'skip',
        handler: 'Reports.nightly',
        service: 'reports',
        declaredAt: '2026-11-30T08:00:00.000Z',
      }),
    );
    await kv.put('last.nightly', '2026-11-30T02:00:00.000Z');
  });

  it('lists the schedules for a viewer (401 signed out)', async () => {
    expect((await t.anonymous.get('/api/periodic')).status).toBe(401);
    const res = await t.api('viewer').get<{ schedules: Record<string, unknown>[] }>('/api/periodic');
    expect(res.status).toBe(200);
    expect(res.body.schedules).toEqual([
      {
        name: 'nightly',
        cron: '0 0 2 * * *',
        timezone: 'UTC',
        subject: 'jetbus.periodic.nightly',
        overlap: true,
        missed: 'skip',
        handler: 'Reports.nightly',
        service: 'reports',
        paused: false,
        pausedAt: null,
        lastTick: '2026-11-30T02:00:00.000Z',
        nextTick: expect.stringMatching(/T02:00:00\.000Z$/),
      },
    ]);
  });

  it('an operator pauses and resumes, audited; a viewer may not', async () => {
    expect((await t.api('viewer').post('/api/periodic/nightly/pause')).status).toBe(403);
    const paused = await t.api('operator').post('/api/periodic/nightly/pause');
    expect([paused.status, paused.body]).toEqual([200, { name: 'nightly', paused: true }]);
    expect((await kv.get('paused.nightly'))?.operation).toBe('PUT');
    const listed = await t.api('viewer').get<{ schedules: { paused: boolean }[] }>('/api/periodic');
    expect(listed.body.schedules[0].paused).toBe(true);
    expect(await lastAudit(t.jsm, 'periodic.pause')).toMatchObject({
      action: 'periodic.pause',
      target: 'nightly',
      role: 'operator',
      result: 'ok',
    });
    const resumed = await t.api('operator').post('/api/periodic/nightly/resume');
    expect([resumed.status, resumed.body]).toEqual([200, { name: 'nightly', paused: false }]);
    expect((await kv.get('paused.nightly'))?.operation).not.toBe('PUT');
    expect(await lastAudit(t.jsm, 'periodic.resume')).toMatchObject({ target: 'nightly', result: 'ok' });
  });

  it('is 404 for a schedule no worker declared (audited), 400 for a bad name', async () => {
    expect((await t.api('operator').post('/api/periodic/ghost/pause')).status).toBe(404);
    expect(await lastAudit(t.jsm, 'periodic.pause')).toMatchObject({ target: 'ghost', result: 'error' });
    expect((await t.api('operator').post('/api/periodic/a%20b/pause')).status).toBe(400);
  });
});
