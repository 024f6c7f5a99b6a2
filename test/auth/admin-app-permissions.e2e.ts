import { type INestApplicationContext, Injectable } from '@nestjs/common';
import { AckPolicy, type JetStreamManager, RetentionPolicy } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { headers } from '@nats-io/transport-node';
import pino from 'pino';
import {
  AUDIT_STREAM,
  DeadLetterStore,
  replayDeadLetters,
  AUDIT_SUBJECT_PREFIX,
  JetbusConnection,
  JobHandler,
  SCHEDULED_STREAM,
  cancelScheduled,
  CancellationStore,
  cancelJob,
  listScheduled,
  scheduledSubject,
  Payload,
  PermissionDeniedError,
  WORKERS_BUCKET,
  listWorkers,
} from '@jetbus/core';
// Internal: writes a dead letter as a worker would.
import { StreamDeadLetterSink } from '../../libs/core/src/dead-letter';
import { type CapturedLogs, captureLogs, startJetbusApp } from '../support/jetbus-app';
import { failure } from '../support/failure';
import { sleep, waitFor } from '../support/wait-for';
import { OperatorServer } from './support/operator-server';

/*
 * The `admin-app` role and worker heartbeats under compiled JWTs on a real nats-server in operator
 * mode: the admin web app's user manages streams, reads heartbeats and appends to JETBUS_AUDIT but
 * can never remove or change what the audit stream holds; a worker writes its own heartbeat and
 * cannot touch another user's.
 */

const ORDERS_DURABLE = 'orders_orders-created';
const BILLING_DURABLE = 'billing_orders-created';

const POLICY = `
operator: { name: jetbus-e2e-admin-app }
roles:
  web: { admin-app: { replaySubjects: [orders.created] } }
  orders-jobs: { service: { stream: ORDERS, consumer: ${ORDERS_DURABLE} } }
  billing-jobs: { service: { stream: ORDERS, consumer: ${BILLING_DURABLE} } }
  ops: { admin: { publish: [dlq.>, jetbus.scheduled.>] } }
accounts:
  APP:
    users:
      admin: { roles: [web], inboxPrefix: _INBOX_admin }
      orders: { roles: [orders-jobs], inboxPrefix: _INBOX_orders }
      billing: { roles: [billing-jobs], inboxPrefix: _INBOX_billing }
      ops: { roles: [ops], inboxPrefix: _INBOX_ops }
`;

@Injectable()
class OrderJobs {
  @JobHandler('orders.created', { stream: 'ORDERS' })
  reserve(@Payload() _order: object): void {}
}

const isDenied = (e: Error, subject: string) =>
  e instanceof PermissionDeniedError && e.operation === 'publish' && e.subject === subject;

describe('the admin-app role and worker heartbeats (operator mode)', () => {
  let nats: OperatorServer;
  const apps: INestApplicationContext[] = [];
  let jsm: JetStreamManager;
  let admin: JetbusConnection;
  const start = async (...args: Parameters<typeof startJetbusApp>) => {
    const app = await startJetbusApp(...args);
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    nats = await OperatorServer.start(POLICY);
    // The admin web app's user creates the module's own streams (JETBUS_DLQ, JETBUS_ADVISORIES).
    const app = await start({ ...nats.as('admin'), name: 'admin', logger: false }, [], { start: false });
    admin = app.get(JetbusConnection);
    jsm = admin.jsm;
  });
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await nats?.stop();
  });

  it('lets admin-app create, change and delete streams and consumers', async () => {
    await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'], retention: RetentionPolicy.Workqueue });
    await jsm.streams.update('ORDERS', { subjects: ['orders.>'], max_msgs: 1_000 });
    await jsm.consumers.add('ORDERS', {
      durable_name: 'scratch',
      filter_subject: 'orders.created',
      ack_policy: AckPolicy.Explicit,
    });
    expect((await jsm.consumers.info('ORDERS', 'scratch')).name).toBe('scratch');
    await jsm.consumers.delete('ORDERS', 'scratch');
    await jsm.streams.add({ name: 'SCRATCH', subjects: ['scratch.>'] });
    await jsm.streams.delete('SCRATCH');
    const names: string[] = [];
    for await (const name of jsm.streams.names()) names.push(name);
    expect(names.sort()).toEqual(['JETBUS_ADVISORIES', 'JETBUS_DLQ', 'ORDERS']);
  });

  it('lets admin-app replay to its subjects and read messages, nothing else', async () => {
    const ack = await admin.js.publish('orders.created', JSON.stringify({ id: 'o1' }));
    expect((await jsm.streams.getMessage('ORDERS', { seq: ack.seq }))?.subject).toBe('orders.created');
    const denied = await failure(admin.js.publish('orders.cancelled', '{}'));
    expect(isDenied(denied, 'orders.cancelled')).toBe(true);
    await jsm.streams.purge('ORDERS');
  });

  it('lets admin-app browse, replay and delete dead letters', async () => {
    // A dead letter as a worker writes it (written here by a full admin, `ops`).
    const ops = (
      await start({ ...nats.as('ops'), name: 'ops-dlq', logger: false }, [], { start: false })
    ).get(JetbusConnection);
    const sink = new StreamDeadLetterSink(
      ops.js,
      { stream: 'JETBUS_DLQ', subjectPrefix: 'dlq', publishTimeoutMs: 2_000, maxPayload: ops.maxPayload },
      pino({ level: 'silent' }),
    );
    const write = (seq: number) =>
      sink.writeRecord({
        subject: 'orders.created',
        data: new TextEncoder().encode(JSON.stringify({ id: `dead-${seq}` })),
        headers: undefined,
        stream: 'ORDERS',
        seq,
        consumer: ORDERS_DURABLE,
        attempts: 1,
        reason: 'error',
        error: new Error('declined'),
      });
    const [replayed, deleted] = [await write(101), await write(102)];

    const store = new DeadLetterStore(jsm);
    expect((await store.list()).map((d) => d.dlqSeq)).toEqual([replayed, deleted]);
    await store.delete(deleted);
    const report = await replayDeadLetters(store, admin.js, {}, { ratePerSecond: 1_000 });
    expect(report.replayed.map((r) => r.dlqSeq)).toEqual([replayed]);
    expect(await store.list()).toEqual([]);
    const { state } = await jsm.streams.info('ORDERS');
    expect((await jsm.streams.getMessage('ORDERS', { seq: state.last_seq }))?.json()).toEqual({
      id: 'dead-101',
    });
    await jsm.streams.purge('ORDERS');
  });

  it('lets admin-app create JETBUS_AUDIT and append to it, never delete, purge, change or delete from it', async () => {
    await jsm.streams.add({ name: AUDIT_STREAM, subjects: [`${AUDIT_SUBJECT_PREFIX}.>`] });
    const entry = await admin.js.publish(`${AUDIT_SUBJECT_PREFIX}.x`, JSON.stringify({ who: 'alice' }));
    expect(entry).toMatchObject({ stream: AUDIT_STREAM, seq: 1 });
    expect((await jsm.streams.info(AUDIT_STREAM)).config.name).toBe(AUDIT_STREAM);
    expect((await jsm.streams.getMessage(AUDIT_STREAM, { seq: 1 }))?.json()).toEqual({ who: 'alice' });

    const refusals: [string, Promise<unknown>][] = [
      [`$JS.API.STREAM.PURGE.${AUDIT_STREAM}`, jsm.streams.purge(AUDIT_STREAM)],
      [`$JS.API.STREAM.DELETE.${AUDIT_STREAM}`, jsm.streams.delete(AUDIT_STREAM)],
      [`$JS.API.STREAM.MSG.DELETE.${AUDIT_STREAM}`, jsm.streams.deleteMessage(AUDIT_STREAM, 1)],
      [
        `$JS.API.STREAM.UPDATE.${AUDIT_STREAM}`,
        jsm.streams.update(AUDIT_STREAM, { subjects: [`${AUDIT_SUBJECT_PREFIX}.>`], max_msgs: 1 }),
      ],
      [
        `$JS.API.CONSUMER.CREATE.${AUDIT_STREAM}.eraser`,
        jsm.consumers.add(AUDIT_STREAM, { durable_name: 'eraser', ack_policy: AckPolicy.Explicit }),
      ],
    ];
    for (const [subject, attempt] of refusals) {
      const e = await failure(attempt);
      expect([subject, isDenied(e, subject) ? 'denied' : e]).toEqual([subject, 'denied']);
    }
    const { state } = await jsm.streams.info(AUDIT_STREAM);
    expect([state.messages, state.first_seq, state.last_seq]).toEqual([1, 1, 1]);
  });

  it('lets admin-app list and cancel scheduled jobs: one KV write, the outcome, and no other bucket', async () => {
    // A job scheduled as a producer does (written here by a full admin, `ops`), due in an hour.
    const ops = (
      await start({ ...nats.as('ops'), name: 'ops-scheduled', logger: false }, [], { start: false })
    ).get(JetbusConnection);
    await ops.jsm.streams.add({ name: SCHEDULED_STREAM, subjects: ['jetbus.scheduled.>'] });
    const h = headers();
    h.set('Jetbus-Deliver-At', new Date(Date.now() + 3_600_000).toISOString());
    await ops.js.publish(scheduledSubject('adm-1', 'orders.created'), '{}', { headers: h });

    const page = await listScheduled(jsm);
    expect(page.jobs.map((j) => [j.jobId, j.subject])).toEqual([['adm-1', 'orders.created']]);
    // The cancel creates the job's key in JETBUS_SCHEDULED_OUTCOMES (the bucket too, the first
    // time), then deletes the entry.
    expect(await cancelScheduled(admin.js, 'adm-1')).toMatchObject({ outcome: 'cancelled' });
    expect((await listScheduled(jsm)).jobs).toEqual([]);
    // A repeat finds the entry gone and reads the outcome recorded last for the id (a message get
    // on the bucket's stream, by `<job id>.*`).
    expect(await cancelScheduled(admin.js, 'adm-1')).toMatchObject({ outcome: 'cancelled' });
    // Its KV permission is that bucket's only: heartbeats stay the workers' own.
    const forged = `$KV.${WORKERS_BUCKET}.forged`;
    expect(isDenied(await failure(admin.js.publish(forged, '{}')), forged)).toBe(true);
  });

  it('lets admin-app cancel a queued or running job: a request in JETBUS_CANCELLED', async () => {
    const result = await cancelJob(admin.js, 'queued-7', { store: new CancellationStore(admin.js) });
    expect(result).toMatchObject({ jobId: 'queued-7', outcome: 'requested' });
  });

  describe('worker heartbeats', () => {
    let logs: CapturedLogs;

    beforeAll(async () => {
      logs = captureLogs();
      await start(
        {
          ...nats.as('orders'),
          name: 'orders',
          logger: logs.logger,
          deadLetter: false,
          heartbeat: { interval: 250 },
        },
        [OrderJobs],
      );
    });

    it('a service writes its heartbeat under its own user, and admin-app reads it', async () => {
      const [worker] = await waitFor('the orders worker listed', async () => {
        const all = await listWorkers(jsm);
        return all.length > 0 && all;
      });
      expect(worker).toMatchObject({
        name: 'orders',
        user: 'orders',
        pid: process.pid,
        handlers: [{ handler: 'OrderJobs.reserve', stream: 'ORDERS', durable: ORDERS_DURABLE }],
      });
      expect(worker.id.startsWith('orders.')).toBe(true);
      expect(logs.records.filter((r) => (r.level as number) >= 40)).toEqual([]);
    });

    it("a worker cannot write or delete another user's heartbeat key, only its own", async () => {
      const [orders] = await listWorkers(jsm);
      const app = await start(
        { ...nats.as('billing'), name: 'billing', logger: false, deadLetter: false },
        [],
        { start: false },
      );
      const kv = await new Kvm(app.get(JetbusConnection).js).open(WORKERS_BUCKET);
      const forged = 'orders.elsewhere.1.00000000';
      const value = JSON.stringify({ ...orders, id: forged, handlers: [] });
      for (const [subject, attempt] of [
        [`$KV.${WORKERS_BUCKET}.${forged}`, kv.put(forged, value)],
        [`$KV.${WORKERS_BUCKET}.${orders.id}`, kv.put(orders.id, value)],
        [`$KV.${WORKERS_BUCKET}.${orders.id}`, kv.delete(orders.id)],
      ] as const) {
        const e = await failure(attempt);
        expect([subject, isDenied(e, subject) ? 'denied' : e]).toEqual([subject, 'denied']);
      }
      await kv.put('billing.elsewhere.1.00000000', value);
      // Its own key, but a value claiming to be the orders user: listWorkers does not believe it.
      expect((await listWorkers(jsm)).map((w) => w.id)).toEqual([orders.id]);
    });

    it('a worker whose user may not write heartbeats says so once, then stops trying', async () => {
      const own = captureLogs();
      // `admin` (the whole $JS.API) may create the bucket, but has no $KV.JETBUS_WORKERS keys.
      await start(
        {
          ...nats.as('ops'),
          name: 'ops',
          logger: own.logger,
          deadLetter: false,
          heartbeat: { interval: 100 },
        },
        [],
      );
      await waitFor('the refusal logged', () =>
        own.records.some((r) => String(r.msg).startsWith('worker heartbeats off')),
      );
      // Several intervals: no further write, so no further refusal.
      await sleep(500);
      const heartbeatWarnings = own.records.filter(
        (r) => String(r.msg).includes('heartbeat') || String(r.subject).includes(WORKERS_BUCKET),
      );
      expect(heartbeatWarnings.map((r) => [r.level, r.user, r.subject])).toEqual([
        [40, 'ops', expect.stringMatching(/^\$KV\.JETBUS_WORKERS\.ops\./)],
        [40, 'ops', expect.stringMatching(/^\$KV\.JETBUS_WORKERS\.ops\./)],
      ]);
    });
  });
});
