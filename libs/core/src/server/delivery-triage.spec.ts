import { type JsMsg } from '@nats-io/jetstream';
import { type AttemptLedger, type AttemptRecord, NO_ATTEMPTS } from '../retry/attempt-ledger';
import { DeliveryTriage } from './delivery-triage';

/** The ledger's contract (get/put/delete by key) in memory: the unit here is the triage's counting. */
class MemoryLedger {
  readonly records = new Map<string, AttemptRecord>();
  async get(key: string): Promise<AttemptRecord | undefined> {
    return this.records.get(key);
  }
  async put(key: string, record: AttemptRecord): Promise<boolean> {
    this.records.set(key, record);
    return true;
  }
  async delete(key: string): Promise<void> {
    this.records.delete(key);
  }
}

const KEY = 'ORDERS.billing.7';
const delivery = (deliveryCount: number): JsMsg =>
  ({ info: { deliveryCount, stream: 'ORDERS', consumer: 'billing', streamSequence: 7 } }) as unknown as JsMsg;

function triage(crashLimit: number, maxAttempts: number, defers: boolean) {
  const ledger = new MemoryLedger();
  return {
    ledger,
    t: new DeliveryTriage(ledger as unknown as AttemptLedger, crashLimit, maxAttempts, defers),
  };
}

describe('DeliveryTriage with rateLimit deferrals', () => {
  it('isolation on: a deferral settles the delivery, so the redelivery runs shared on the same attempt', async () => {
    const { t, ledger } = triage(2, 5, true);
    const first = await t.lane(delivery(1));
    expect(await t.recordDeferral(delivery(1), first)).toBe(true);
    expect(ledger.records.get(KEY)).toEqual({ ...NO_ATTEMPTS, settledAt: 1, deferrals: 1 });
    const second = await t.lane(delivery(2));
    expect(second).toMatchObject({ kind: 'shared', attempt: 1 });
    await t.recordDeferral(delivery(2), second);
    expect(await t.lane(delivery(3))).toMatchObject({ kind: 'shared', attempt: 1 });
  });

  it('isolation on: deferring a suspect takes back the crash its isolated run counted', async () => {
    const { t, ledger } = triage(2, 5, true);
    const suspect = await t.lane(delivery(2)); // no record: its first worker died
    expect(suspect.kind).toBe('exclusive');
    if (suspect.kind !== 'exclusive') return;
    await t.beginExclusive(delivery(2), suspect);
    expect(ledger.records.get(KEY)?.isolatedCrashes).toBe(1);
    await t.recordDeferral(delivery(2), suspect);
    expect(ledger.records.get(KEY)).toMatchObject({ isolatedCrashes: 0, settledAt: 2, deferrals: 1 });
  });

  it('isolation off: the attempt is the delivery count less the deferrals', async () => {
    const { t } = triage(0, 2, true);
    expect(await t.lane(delivery(1))).toEqual({ kind: 'shared', attempt: 1 });
    for (let d = 1; d <= 3; d++) await t.recordDeferral(delivery(d), await t.lane(delivery(d)));
    expect(await t.lane(delivery(4))).toMatchObject({ kind: 'shared', attempt: 1 });
  });

  it('isolation off: past maxAttempts deliveries that were not waits, a culprit (no max_deliver to stop it)', async () => {
    const { t } = triage(0, 2, true);
    await t.recordDeferral(delivery(1), await t.lane(delivery(1)));
    // deliveries 2 and 3 ran and their worker died; delivery 4 is attempt 3 of 2
    const lane = await t.lane(delivery(4));
    expect(lane).toMatchObject({ kind: 'culprit', key: KEY });
    if (lane.kind === 'culprit') expect(lane.why).toContain('maxAttempts 2, rate-limit waits not counted');
  });

  it('isolation off and no rateLimit: unchanged, the server counts (attempt 0, no ledger read)', async () => {
    const { t } = triage(0, 2, false);
    expect(t.lane(delivery(3))).toEqual({ kind: 'shared', attempt: 0 });
  });

  it('forgets the record of a deferred job once it is done', async () => {
    const { t, ledger } = triage(0, 5, true);
    await t.recordDeferral(delivery(1), await t.lane(delivery(1)));
    const lane = await t.lane(delivery(2));
    t.forget(lane);
    await Promise.resolve();
    expect(ledger.records.has(KEY)).toBe(false);
  });
});

describe('DeliveryTriage after a dead letter whose term was lost', () => {
  const withDlq = (holds: boolean) => {
    const ledger = new MemoryLedger();
    const asked: number[] = [];
    const t = new DeliveryTriage(ledger as unknown as AttemptLedger, 2, 3, false, (_msg, dlqSeq) => {
      asked.push(dlqSeq);
      return Promise.resolve(holds);
    });
    return { t, ledger, asked };
  };

  it('a redelivery whose dead letter the DLQ holds is terminated without running (culprit lane with its dlq seq)', async () => {
    const { t, ledger, asked } = withDlq(true);
    const first = await t.lane(delivery(1));
    await t.recordDeadLetter(delivery(1), first, 42);
    expect(ledger.records.get(KEY)).toEqual({ ...NO_ATTEMPTS, deadLetterSeq: 42 });
    expect(await t.lane(delivery(2))).toEqual({ kind: 'culprit', key: KEY, crashes: 0, deadLetterSeq: 42 });
    expect(asked).toEqual([42]);
    t.forget(first); // with the term: the record goes
    await new Promise((r) => setImmediate(r));
    expect(ledger.records.has(KEY)).toBe(false);
  });

  it('a recorded sequence the DLQ does not hold (forged, or the entry is gone) changes nothing: a suspect', async () => {
    const { t, ledger } = withDlq(false);
    ledger.records.set(KEY, { ...NO_ATTEMPTS, deadLetterSeq: 42 });
    expect(await t.lane(delivery(2))).toMatchObject({ kind: 'exclusive', attempt: 1 });
  });
});
