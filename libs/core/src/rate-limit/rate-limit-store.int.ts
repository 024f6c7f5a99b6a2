import { jetstream } from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { NatsServer } from '@jetbus/testing';
import { RateLimitStore, rateLimitKey } from './rate-limit-store';

/*
 * The compare-and-set admission against a real nats-server: many callers on separate connections
 * (as separate instances would be) race for one key's slots, and the admitted times never put more
 * than `max` admissions in a window of `per + guard`.
 */
describe('RateLimitStore on nats-server', () => {
  let server: NatsServer;
  const connections: NatsConnection[] = [];

  beforeAll(async () => {
    server = await NatsServer.start();
    for (let i = 0; i < 3; i++) connections.push(await connect({ servers: server.url }));
  });
  afterAll(async () => {
    await Promise.all(connections.map((nc) => nc.close()));
    await server?.stop();
  });

  it('admits at most max per window of per + guard under a race of 3 connections', async () => {
    const limit = { max: 5, perMs: 300, guardMs: 30 };
    const stores = connections.map((nc) => new RateLimitStore(jetstream(nc)));
    const key = rateLimitKey('ORDERS', 'billing', 'acme');
    const admitted: number[] = [];
    let waits = 0;
    // 3 connections x 10 callers, each retrying until admitted (the runner would nak and come back).
    await Promise.all(
      stores.flatMap((store) =>
        Array.from({ length: 10 }, async () => {
          for (;;) {
            const result = await store.admit(key, limit, 0);
            if ('admittedAt' in result) return void admitted.push(result.admittedAt);
            waits++;
            await new Promise((r) => setTimeout(r, Math.max(1, result.waitMs)));
          }
        }),
      ),
    );
    admitted.sort((a, b) => a - b);
    expect(admitted).toHaveLength(30);
    for (let i = 0; i + limit.max < admitted.length; i++) {
      expect(admitted[i + limit.max] - admitted[i]).toBeGreaterThanOrEqual(limit.perMs + limit.guardMs);
    }
    expect(waits).toBeGreaterThan(0);
    // 30 admissions at 5 per 330 ms take 1.7 s at best; the compare-and-set retries of 30 racing
    // callers add to it on a loaded machine (it outlasted jest's 5 s default under a load of 10).
  }, 30_000);

  it('reserves a slot ahead when asked to, and says how long to wait when not', async () => {
    const limit = { max: 1, perMs: 500, guardMs: 50 };
    const store = new RateLimitStore(jetstream(connections[0]));
    const key = rateLimitKey('ORDERS', 'billing', 'bolt');
    const first = await store.admit(key, limit, 0);
    expect('admittedAt' in first).toBe(true);
    const refused = await store.admit(key, limit, 0);
    expect('waitMs' in refused && refused.waitMs).toBeGreaterThan(0);
    const reserved = await store.admit(key, limit, 1000);
    if (!('admittedAt' in first) || !('admittedAt' in reserved)) throw new Error('expected admissions');
    expect(reserved.admittedAt - first.admittedAt).toBe(limit.perMs + limit.guardMs);
  });

  it('keeps keys apart: one key at its limit does not hold another back', async () => {
    const limit = { max: 1, perMs: 10_000, guardMs: 50 };
    const store = new RateLimitStore(jetstream(connections[1]));
    expect('admittedAt' in (await store.admit(rateLimitKey('S', 'd', 'one'), limit, 0))).toBe(true);
    expect('waitMs' in (await store.admit(rateLimitKey('S', 'd', 'one'), limit, 0))).toBe(true);
    expect('admittedAt' in (await store.admit(rateLimitKey('S', 'd', 'two'), limit, 0))).toBe(true);
    expect('admittedAt' in (await store.admit(rateLimitKey('S', 'd', undefined), limit, 0))).toBe(true);
  });
});
