import { type JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import pino from 'pino';
import { type AdmissionResult, type RateLimitStore } from './rate-limit-store';
import { HOLD_MAX_MS, RateLimiter } from './rate-limiter';
import { type ResolvedRateLimit } from './rate-limit.options';

/** The store's side of a decision, scripted: what each `admit` call gets back, and what it asked. */
class ScriptedStore {
  readonly calls: { key: string; reserveWithinMs: number }[] = [];
  constructor(private readonly answer: (call: number) => AdmissionResult | Error) {}

  async admit(key: string, _limit: unknown, reserveWithinMs: number): Promise<AdmissionResult> {
    this.calls.push({ key, reserveWithinMs });
    const a = this.answer(this.calls.length - 1);
    await Promise.resolve();
    if (a instanceof Error) throw a;
    return a;
  }
}

const limit: ResolvedRateLimit = { max: 5, perMs: 1000, guardMs: 50, key: 'X-Tenant' };
const waits: number[] = [];
const limiter = (store: ScriptedStore, concurrency = 4, l = limit) =>
  new RateLimiter(
    l,
    { stream: 'S', durable: 'd', concurrency },
    store as unknown as RateLimitStore,
    { waited: (s) => waits.push(s) },
    pino({ level: 'silent' }),
  );
const msg = (tenant?: string): JsMsg => {
  const h = natsHeaders();
  if (tenant) h.set('X-Tenant', tenant);
  return { headers: h } as unknown as JsMsg;
};
const signal = () => new AbortController().signal;

beforeEach(() => waits.splice(0));

describe('RateLimiter', () => {
  it('starts at once when admitted now, keyed by the header (jobs without it share one key)', async () => {
    const store = new ScriptedStore(() => ({ admittedAt: Date.now() }));
    const l = limiter(store);
    expect(await l.admit(msg('acme'), {}, true, signal())).toEqual({ start: true });
    expect(await l.admit(msg(), {}, true, signal())).toEqual({ start: true });
    expect(store.calls.map((c) => c.key)).toEqual(['S.d.acme', 'S.d.=']);
    expect(waits).toEqual([]);
  });

  it('takes the key from a function of the payload', async () => {
    const store = new ScriptedStore(() => ({ admittedAt: Date.now() }));
    const l = limiter(store, 4, { ...limit, key: (p) => (p as { tenant: string }).tenant });
    await l.admit(msg(), { tenant: 'bolt' }, true, signal());
    await l.admit(msg(), { tenant: 'x'.repeat(200) }, true, signal());
    await l.admit(msg(), { tenant: 'a.b c' }, true, signal());
    expect(store.calls.map((c) => c.key)).toEqual([
      'S.d.bolt',
      // long keys hashed, others escaped into one subject token
      expect.stringMatching(/^S\.d\.=h[0-9a-f]{64}$/),
      'S.d.a=2eb=20c',
    ]);
  });

  it('holds at most half of concurrency at once; the others are asked for a slot now or a nak', async () => {
    const store = new ScriptedStore((call) => (call < 2 ? { admittedAt: Date.now() + 40 } : { waitMs: 40 }));
    const l = limiter(store, 4);
    const decisions = await Promise.all([1, 2, 3].map(() => l.admit(msg('acme'), {}, true, signal())));
    expect(store.calls.map((c) => c.reserveWithinMs)).toEqual([HOLD_MAX_MS, HOLD_MAX_MS, 0]);
    expect(decisions.slice(0, 2)).toEqual([{ start: true }, { start: true }]);
    const nak = decisions[2];
    // The nak: until the slot, plus up to a quarter of min(per, 1 s).
    expect(nak.start).toBe(false);
    if (!nak.start) expect(nak.deferMs).toBeGreaterThanOrEqual(40);
    if (!nak.start) expect(nak.deferMs).toBeLessThanOrEqual(40 + 250);
    expect(waits).toHaveLength(3);
  });

  it('never holds a job that runs alone in its process (exclusive)', async () => {
    const store = new ScriptedStore(() => ({ waitMs: 500 }));
    const d = await limiter(store).admit(msg('acme'), {}, false, signal());
    expect(store.calls[0].reserveWithinMs).toBe(0);
    expect(d.start).toBe(false);
  });

  it('asks again when the start came later than half the guard after its admission', async () => {
    const store = new ScriptedStore((call) => ({ admittedAt: call === 0 ? Date.now() - 200 : Date.now() }));
    expect(await limiter(store).admit(msg('acme'), {}, true, signal())).toEqual({ start: true });
    expect(store.calls).toHaveLength(2);
  });

  it('fails closed when the bucket cannot be reached: a nak of about a second', async () => {
    const store = new ScriptedStore(() => new Error('no responders'));
    const d = await limiter(store).admit(msg('acme'), {}, true, signal());
    expect(d.start).toBe(false);
    if (!d.start) expect(d.deferMs).toBeGreaterThanOrEqual(1000);
  });

  it('a held job released by shutdown does not start', async () => {
    const store = new ScriptedStore(() => ({ admittedAt: Date.now() + 5_000 }));
    const shutdown = new AbortController();
    const decided = limiter(store).admit(msg('acme'), {}, true, shutdown.signal);
    setTimeout(() => shutdown.abort(), 20);
    expect(await decided).toEqual({ start: false, deferMs: 0 });
  });
});
