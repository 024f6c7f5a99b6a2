import { AckPolicy, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { type AuditEntry } from '@jetbus/admin';
import { useAdmin } from '../support/use-admin';

/** The latest audit entry of `action`, read straight from the audit stream (not through the app). */
async function lastAudit(jsm: JetStreamManager, action: string): Promise<AuditEntry | undefined> {
  const msg = await jsm.streams.getMessage('JETBUS_AUDIT', { last_by_subj: `jetbus.audit.${action}` });
  return msg?.json<AuditEntry>();
}

/** A worker heartbeat whose one handler declares `consumer` for CONS/`durable`. */
function heartbeat(id: string, durable: string, consumer: Record<string, unknown>) {
  const now = new Date().toISOString();
  return {
    id,
    name: 'jobs',
    user: 'jobs',
    host: 'host',
    pid: 1,
    version: '0.1.0',
    startedAt: now,
    at: now,
    handlers: [
      {
        handler: 'Jobs.run',
        subject: 'cons.jobs',
        stream: 'CONS',
        durable,
        concurrency: 1,
        inFlight: 0,
        processed: 0,
        failed: 0,
        retried: 0,
        deadLettered: 0,
        consumer,
      },
    ],
  };
}

describe('consumers API', () => {
  const t = useAdmin();

  beforeAll(async () => {
    await t.jsm.streams.add({ name: 'CONS', subjects: ['cons.>'] });
    await t.jsm.consumers.add('CONS', {
      durable_name: 'worker',
      filter_subject: 'cons.jobs',
      ack_policy: AckPolicy.Explicit,
      // With a backoff, nats-server takes the ack wait from its first step (1 s).
      max_deliver: 5,
      max_ack_pending: 10,
      backoff: [1e9, 5e9],
    });
    await t.jsm.consumers.add('CONS', { durable_name: 'undeclared', ack_policy: AckPolicy.Explicit });
    await t.jsm.consumers.add('CONS', {
      durable_name: 'matching',
      ack_policy: AckPolicy.Explicit,
      max_deliver: 3,
    });
    for (let i = 0; i < 3; i++) await t.js.publish('cons.jobs', `job ${i}`);
    // One delivery taken and left unacknowledged: ack-pending 1, pending 2.
    const consumer = await t.js.consumers.get('CONS', 'worker');
    const msg = await consumer.next({ expires: 1_000 });
    expect(msg?.seq).toBe(1);
    const kv = await new Kvm(t.js).create('JETBUS_WORKERS', { history: 1, ttl: 60_000 });
    await kv.put(
      'jobs.host.1.aa',
      JSON.stringify(
        heartbeat('jobs.host.1.aa', 'worker', {
          ack_wait: 1e9,
          max_deliver: 10,
          filter_subject: 'cons.jobs',
        }),
      ),
    );
    await kv.put(
      'jobs.host.2.bb',
      JSON.stringify(heartbeat('jobs.host.2.bb', 'matching', { max_deliver: 3 })),
    );
    await kv.put('garbage.key', '{not json');
  });

  describe('who may call it', () => {
    it('is 401 without credentials', async () => {
      expect((await t.anonymous.get('/api/streams/CONS/consumers')).status).toBe(401);
      expect((await t.anonymous.get('/api/streams/CONS/consumers/worker')).status).toBe(401);
      expect((await t.anonymous.delete('/api/streams/CONS/consumers/worker')).status).toBe(401);
    });

    it('lets a viewer read, and only an admin delete (403 for viewer and operator)', async () => {
      expect((await t.api('viewer').get('/api/streams/CONS/consumers')).status).toBe(200);
      expect((await t.api('viewer').get('/api/streams/CONS/consumers/worker')).status).toBe(200);
      expect((await t.api('viewer').delete('/api/streams/CONS/consumers/worker')).status).toBe(403);
      expect((await t.api('operator').delete('/api/streams/CONS/consumers/worker')).status).toBe(403);
      await t.jsm.consumers.info('CONS', 'worker');
    });
  });

  describe('GET /api/streams/:name/consumers', () => {
    it('lists each consumer with its figures, sorted by name', async () => {
      const res = await t
        .api('viewer')
        .get<{ consumers: Record<string, unknown>[] }>('/api/streams/CONS/consumers');
      expect(res.status).toBe(200);
      expect(res.body.consumers.map((c) => c.name)).toEqual(['matching', 'undeclared', 'worker']);
      const info = await t.jsm.consumers.info('CONS', 'worker');
      const lastActive = (info.delivered as unknown as { last_active?: string }).last_active;
      expect(res.body.consumers[2]).toEqual({
        name: 'worker',
        durable: 'worker',
        filterSubject: 'cons.jobs',
        ackPolicy: 'explicit',
        deliverPolicy: 'all',
        maxDeliver: 5,
        ackWaitMs: 1_000,
        maxAckPending: 10,
        backoffMs: [1_000, 5_000],
        numPending: 2,
        numAckPending: 1,
        numRedelivered: 0,
        numWaiting: 0,
        // nats-server 2.9 reports no last_active; later servers do.
        lastActive: lastActive ? new Date(lastActive).toISOString() : null,
        drift: [{ field: 'max_deliver', declared: 10, actual: 5 }],
      });
    });

    it('reports drift as [] when the declaration matches, and null when no worker declares the consumer', async () => {
      const res = await t
        .api('viewer')
        .get<{ consumers: { name: string; drift: unknown }[] }>('/api/streams/CONS/consumers');
      expect(res.body.consumers.map((c) => [c.name, c.drift])).toEqual([
        ['matching', []],
        ['undeclared', null],
        ['worker', [{ field: 'max_deliver', declared: 10, actual: 5 }]],
      ]);
    });

    it('is 404 for a stream that does not exist, 400 for a bad name', async () => {
      expect((await t.api('viewer').get('/api/streams/NOPE/consumers')).status).toBe(404);
      const bad = await t.api('viewer').get<{ message: string[] }>('/api/streams/a.b/consumers');
      expect([bad.status, bad.body.message]).toEqual([
        400,
        ['name must be 1-255 characters without whitespace, ".", "*", ">", "/" or "\\"'],
      ]);
    });
  });

  describe('GET /api/streams/:name/consumers/:consumer', () => {
    it('returns the view with the full server config', async () => {
      const res = await t.api('viewer').get<Record<string, unknown>>('/api/streams/CONS/consumers/worker');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        name: 'worker',
        numAckPending: 1,
        config: { durable_name: 'worker', max_deliver: 5, ack_wait: 1e9, backoff: [1e9, 5e9] },
      });
    });

    it('is 404 for a consumer or stream that does not exist, 400 for a bad consumer name', async () => {
      const missing = await t.api('viewer').get('/api/streams/CONS/consumers/nope');
      expect([missing.status, missing.body]).toMatchObject([404, { message: 'consumer not found' }]);
      expect((await t.api('viewer').get('/api/streams/NOPE/consumers/worker')).status).toBe(404);
      const bad = await t.api('viewer').get<{ message: string[] }>('/api/streams/CONS/consumers/a*b');
      expect([bad.status, bad.body.message]).toEqual([
        400,
        ['consumer must be 1-255 characters without whitespace, ".", "*", ">", "/" or "\\"'],
      ]);
    });
  });

  describe('DELETE /api/streams/:name/consumers/:consumer', () => {
    it('deletes a consumer and audits it', async () => {
      await t.jsm.consumers.add('CONS', { durable_name: 'doomed', ack_policy: AckPolicy.Explicit });
      const res = await t.api('admin').delete('/api/streams/CONS/consumers/doomed');
      expect([res.status, res.body]).toEqual([200, { deleted: true }]);
      await expect(t.jsm.consumers.info('CONS', 'doomed')).rejects.toThrow('consumer not found');
      expect(await lastAudit(t.jsm, 'consumer.delete')).toMatchObject({
        actor: 'admin-token',
        role: 'admin',
        action: 'consumer.delete',
        target: 'CONS/doomed',
        result: 'ok',
      });
    });

    it('is 404 for a consumer that does not exist, and the attempt is audited', async () => {
      const res = await t.api('admin').delete('/api/streams/CONS/consumers/ghost');
      expect(res.status).toBe(404);
      expect(await lastAudit(t.jsm, 'consumer.delete')).toMatchObject({
        target: 'CONS/ghost',
        result: 'error',
        error: 'consumer not found',
      });
    });

    it('is 400 for a bad name', async () => {
      expect((await t.api('admin').delete('/api/streams/CONS/consumers/a%20b')).status).toBe(400);
    });
  });
});
