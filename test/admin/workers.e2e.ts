import { type INestApplicationContext, Injectable } from '@nestjs/common';
import { type KV, Kvm } from '@nats-io/kv';
import { JetbusClient, JobHandler, NonRetryableError, Payload, type WorkerHeartbeat } from '@jetbus/core';
import { startJetbusApp } from '../support/jetbus-app';
import { waitFor } from '../support/wait-for';
import { heartbeat } from './workers-fixture';
import { useAdmin } from '../support/use-admin';

interface Worker extends WorkerHeartbeat {
  ageMs: number;
  stale: boolean;
}

describe('GET /api/workers', () => {
  const t = useAdmin();
  let kv: KV;

  beforeAll(async () => {
    // The bucket as a worker with a 1 s heartbeat creates it: TTL 3 intervals.
    kv = await new Kvm(t.js).create('JETBUS_WORKERS', { history: 1, ttl: 3_000 });
  });

  it('needs a signed-in caller (401); a viewer may read', async () => {
    expect((await t.anonymous.get('/api/workers')).status).toBe(401);
    expect((await t.api('viewer').get('/api/workers')).status).toBe(200);
  });

  it('lists the heartbeats by service name with their age; older than two intervals is stale', async () => {
    const now = Date.now();
    const fresh = heartbeat('orders.web-1.42.aa11', new Date(now));
    const old = heartbeat('billing.web-2.7.bb22', new Date(now - 60_000));
    const gone = heartbeat('emails.web-3.9.cc33', new Date(now));
    for (const hb of [fresh, old, gone]) await kv.put(hb.id, JSON.stringify(hb));
    await kv.delete(gone.id);
    // Not a heartbeat, and a heartbeat under another user's key: both ignored.
    await kv.put('junk.h.1.dd44', 'not json');
    await kv.put('mallory.h.1.ee55', JSON.stringify({ ...fresh, id: 'mallory.h.1.ee55' }));

    const res = await t.api('viewer').get<{ workers: Worker[]; intervalMs: number }>('/api/workers');
    expect(res.status).toBe(200);
    expect(res.body.intervalMs).toBe(1_000);
    const byId = res.body.workers.map(({ ageMs: _age, ...w }) => w);
    expect(byId).toEqual([
      { ...old, stale: true },
      { ...fresh, stale: false },
    ]);
    const [billing, orders] = res.body.workers;
    expect(billing.ageMs).toBeGreaterThanOrEqual(60_000);
    expect(orders.ageMs).toBeLessThan(billing.ageMs);
  });
});

describe('GET /api/workers without any worker', () => {
  const t = useAdmin();

  it('answers an empty list and the default interval when the bucket does not exist', async () => {
    const res = await t.api('viewer').get('/api/workers');
    expect(res.body).toEqual({ workers: [], intervalMs: 5_000 });
  });
});

@Injectable()
class BillingJobs {
  @JobHandler('bill.charge')
  charge(@Payload() job: { n: number; fail?: boolean }): void {
    if (job.fail) throw new NonRetryableError(`charge ${job.n} refused`);
  }
}

describe('GET /api/workers and /api/overview with a real jetbus worker', () => {
  const t = useAdmin();
  let worker: INestApplicationContext | undefined;
  afterAll(() => worker?.close());

  it('show the process and its handler with the counts its heartbeat reports', async () => {
    worker = await startJetbusApp(
      {
        servers: t.server.url,
        name: 'billing',
        streams: [{ name: 'BILL', subjects: ['bill.>'] }],
        heartbeat: { interval: 200 },
        logger: false,
      },
      [BillingJobs],
    );
    const bus = worker.get(JetbusClient);
    for (let n = 1; n <= 4; n++) await bus.publish('bill.charge', { n, fail: n === 4 });

    const settled = await waitFor('four jobs settled in a heartbeat', async () => {
      const res = await t.api('viewer').get<{ workers: Worker[] }>('/api/workers');
      const mine = res.body.workers.find((w) => w.name === 'billing');
      return mine?.handlers[0]?.processed === 4 && mine;
    });
    expect(settled).toMatchObject({ name: 'billing', user: 'anon', pid: process.pid, stale: false });
    expect(settled.handlers).toEqual([
      {
        handler: 'BillingJobs.charge',
        subject: 'bill.charge',
        stream: 'BILL',
        durable: 'billing_bill-charge',
        concurrency: settled.handlers[0].concurrency,
        inFlight: 0,
        processed: 4,
        failed: 1,
        retried: 0,
        deadLettered: 1,
        // What the handler provisions, for the consumers page's drift column.
        consumer: {
          ack_policy: 'explicit',
          ack_wait: 30e9,
          deliver_policy: 'all',
          filter_subject: 'bill.charge',
          max_ack_pending: 1000,
          max_deliver: -1,
        },
      },
    ]);

    const overview = await t.api('viewer').get<{ workers: number; handlers: unknown[] }>('/api/overview');
    expect(overview.body.workers).toBe(1);
    expect(overview.body.handlers).toEqual([
      {
        handler: 'BillingJobs.charge',
        subject: 'bill.charge',
        processed: 4,
        failed: 1,
        retried: 0,
        deadLettered: 1,
        inFlight: 0,
      },
    ]);

    await worker.close();
    worker = undefined;
    // A worker that shuts down deletes its key: it is gone at once, not after its TTL.
    const after = await t.api('viewer').get<{ workers: Worker[] }>('/api/workers');
    expect(after.body.workers.filter((w) => w.name === 'billing')).toEqual([]);
  });
});
