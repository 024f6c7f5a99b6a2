import { type KV, Kvm } from '@nats-io/kv';
import { type WorkerHeartbeat } from '@jetbus/core';
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
