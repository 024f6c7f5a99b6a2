import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { STARTER_POLICY } from '@jetbus/auth';
import pino from 'pino';
import { startAdmin, tokenDigest } from '@jetbus/admin';
import {
  DeadLetterStore,
  JetbusClient,
  JetbusConnection,
  JobHandler,
  Payload,
  PermissionDeniedError,
  replayDeadLetters,
} from '@jetbus/core';
// Internal: writes a dead letter as a worker would.
import { StreamDeadLetterSink } from '../../libs/core/src/dead-letter';
import { startJetbusApp } from '../support/jetbus-app';
import { waitFor } from '../support/wait-for';
import { failure } from '../support/failure';
import { OperatorServer } from './support/operator-server';

/*
 * The policy `jetbus auth init` writes is usable as it stands: its `admin` creates the streams, its
 * `worker` starts a service on the ORDERS durable `orders-worker` (with the dead-letter stream and
 * the reaper every service runs by default), and its `api` user enqueues and is refused anything
 * else; its `admin` replays dead letters and its `web` user runs the admin app, audit trail
 * included. Before, the worker was refused `$JS.API.STREAM.INFO.JETBUS_DLQ` at startup, the admin
 * could not replay, and no user could write the admin app's audit trail.
 */

const handled: string[] = [];

@Injectable()
class OrderJobs {
  @JobHandler('orders.created', { stream: 'ORDERS', durable: 'orders-worker' })
  async run(@Payload() order: { id: string }): Promise<void> {
    handled.push(order.id);
  }
}

describe('the starter policy of `jetbus auth init` (operator mode)', () => {
  let nats: OperatorServer;
  let admin: INestApplicationContext;
  let worker: INestApplicationContext;
  const apps: INestApplicationContext[] = [];
  const start = async (...args: Parameters<typeof startJetbusApp>) => {
    const app = await startJetbusApp(...args);
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    // The fixture's server stores at most 1GB: the starter's 10GiB account limit would not fit.
    const policy = STARTER_POLICY.replace('diskStorage: 10GiB', 'diskStorage: 512MiB');
    expect(policy).not.toBe(STARTER_POLICY);
    nats = await OperatorServer.start(policy);
  });
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await nats?.stop();
  });

  it('runs a worker and a publisher with the users it defines', async () => {
    admin = await start(
      {
        ...nats.as('admin'),
        name: 'setup',
        logger: false,
        streams: [{ name: 'ORDERS', subjects: ['orders.>'], retention: 'workqueue' }],
      },
      [],
      { start: false },
    );
    worker = await start({ ...nats.as('worker'), name: 'orders', logger: false }, [OrderJobs]);
    const api = await start({ ...nats.as('api'), name: 'api', logger: false, deadLetter: false }, [], {
      start: false,
    });
    const bus = api.get(JetbusClient);
    await bus.publish('orders.created', { id: 'o1' });
    await waitFor('the worker handles the order', () => handled.includes('o1'), 10_000);
    const denied = await failure(bus.publish('emails.send', {}));
    expect(denied).toBeInstanceOf(PermissionDeniedError);
    expect(denied).toMatchObject({ user: 'api', subject: 'emails.send' });
  });

  it('lets admin replay a dead letter the worker filed', async () => {
    const conn = worker.get(JetbusConnection);
    const sink = new StreamDeadLetterSink(
      conn.js,
      { stream: 'JETBUS_DLQ', subjectPrefix: 'dlq', publishTimeoutMs: 2_000, maxPayload: conn.maxPayload },
      pino({ level: 'silent' }),
    );
    const dlqSeq = await sink.writeRecord({
      subject: 'orders.created',
      data: new TextEncoder().encode('{"id":"dead-1"}'),
      headers: undefined,
      stream: 'ORDERS',
      seq: 1,
      consumer: 'orders-worker',
      attempts: 1,
      reason: 'error',
      error: new Error('declined'),
    });
    const ops = admin.get(JetbusConnection);
    const report = await replayDeadLetters(new DeadLetterStore(ops.jsm), ops.js, { ids: [dlqSeq] });
    expect(report.failed).toEqual([]);
    expect(report.replayed.map((r) => r.dlqSeq)).toEqual([dlqSeq]);
    await waitFor('the worker handles the replayed order', () => handled.includes('dead-1'), 10_000);
  });

  it('runs the admin app as its web user: an audited action is written', async () => {
    const token = 'starter-policy-token';
    const app = await startAdmin({
      nats: { servers: nats.url, credsFile: nats.credsFile('web'), inboxPrefix: '_INBOX_web' },
      port: 0,
      ui: false,
      logger: false,
      sampleIntervalMs: 3_600_000,
      tokens: [{ name: 'ops', role: 'operator', sha256: tokenDigest(token) }],
    });
    try {
      const res = await fetch(`${app.url}/api/jobs/export-1/cancel`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      const audit = await fetch(`${app.url}/api/audit?action=job.cancel`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(((await audit.json()) as { items: unknown[] }).items).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});
