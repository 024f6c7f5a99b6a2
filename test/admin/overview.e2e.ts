import { AckPolicy } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { handler, heartbeat } from './workers-fixture';
import { useAdmin } from '../support/use-admin';

describe('GET /api/overview', () => {
  const t = useAdmin();

  beforeAll(async () => {
    await t.jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
    await t.jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'] });
    await t.jsm.consumers.add('ORDERS', {
      durable_name: 'orders_orders-created',
      ack_policy: AckPolicy.Explicit,
    });
    for (let i = 0; i < 5; i++) await t.js.publish('orders.created', JSON.stringify({ i }));
    for (let i = 0; i < 3; i++) await t.js.publish('dlq.orders.created', 'dead');
    // Two deliveries taken and never acknowledged: ack-pending 2, pending 3.
    const consumer = await t.js.consumers.get('ORDERS', 'orders_orders-created');
    const batch = await consumer.fetch({ max_messages: 2, expires: 1_000 });
    let taken = 0;
    for await (const _ of batch) if (++taken === 2) break;

    // A 20 s heartbeat (TTL 60 s): stale after 40 s without one.
    const kv = await new Kvm(t.js).create('JETBUS_WORKERS', { history: 1, ttl: 60_000 });
    const now = new Date();
    const workers = [
      heartbeat('orders.a.1.aa', now, [
        handler('OrderJobs.reserve', 10),
        handler('EmailJobs.send', 4, 'emails.send'),
      ]),
      heartbeat('orders.b.2.bb', now, [handler('OrderJobs.reserve', 20)]),
      heartbeat('orders.c.3.cc', new Date(now.getTime() - 3_600_000), [handler('OrderJobs.reserve', 1_000)]),
    ];
    for (const w of workers) await kv.put(w.id, JSON.stringify(w));
  });

  it('needs a signed-in caller (401); a viewer may read', async () => {
    expect((await t.anonymous.get('/api/overview')).status).toBe(401);
    expect((await t.api('viewer').get('/api/overview')).status).toBe(200);
  });

  it('refuses query parameters (400): it has none', async () => {
    // No DTO, so nothing to validate; an unknown parameter is ignored rather than refused.
    expect((await t.api('viewer').get('/api/overview?x=1')).status).toBe(200);
  });

  it('sums streams, consumers, dead letters and the live workers’ handler counters', async () => {
    const streams = [];
    for await (const s of t.jsm.streams.list()) streams.push(s);
    const res = await t.api('viewer').get('/api/overview');
    expect(res.body).toEqual({
      streams: 4, // ORDERS, JETBUS_DLQ, JETBUS_AUDIT, KV_JETBUS_WORKERS
      messages: 5 + 3 + 3,
      bytes: streams.reduce((sum, s) => sum + s.state.bytes, 0),
      deadLetters: 3,
      scheduled: 0,
      workers: 2,
      consumers: 1,
      pending: 3,
      ackPending: 2,
      handlers: [
        {
          handler: 'EmailJobs.send',
          subject: 'emails.send',
          processed: 4,
          failed: 3,
          retried: 2,
          deadLettered: 1,
          inFlight: 1,
        },
        {
          handler: 'OrderJobs.reserve',
          subject: 'orders.created',
          processed: 30,
          failed: 6,
          retried: 4,
          deadLettered: 2,
          inFlight: 2,
        },
      ],
    });
  });
});
