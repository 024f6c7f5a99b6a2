import { Injectable } from '@nestjs/common';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  Ctx,
  DeadLetterStore,
  DeadLetterStreamNotFoundError,
  type DeadLetterEntry,
  type JetbusContext,
  JobHandler,
  NonRetryableError,
  NoStreamForSubjectError,
  Payload,
  ReplayConflictError,
  type ReplayProgress,
  replayDeadLetters,
} from '@jetbus/core';
import { useJetbus, useNats } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';
import {
  encode,
  readStream,
  resetStreams,
  writeDeadLetter,
  writeMalformed,
} from './support/dead-letter-writer';

const seqs = (entries: { dlqSeq: number }[]) => entries.map((e) => e.dlqSeq);
/** Fast enough for tests; the pacing itself is unit-tested. */
const FAST = { ratePerSecond: 10_000 };

describe('dead letters: store and replay against a real server', () => {
  const t = useNats();
  let store: DeadLetterStore;
  beforeAll(() => (store = new DeadLetterStore(t.jsm)));
  beforeEach(() => resetStreams(t.jsm));

  describe('replayDeadLetters', () => {
    it('republishes payload and original headers to the original subject, then deletes the entry', async () => {
      const first = await writeDeadLetter(t.js, {
        subject: 'orders.created',
        seq: 11,
        data: { id: 'o-1' },
        headers: { 'X-Tenant': 'acme', 'X-Tags': ['a', 'b'] },
        originalMsgId: 'order:o-1',
      });
      const second = await writeDeadLetter(t.js, {
        subject: 'orders.cancelled',
        seq: 12,
        data: { id: 'o-2' },
      });
      const other = await writeDeadLetter(t.js, { subject: 'pay.charge', seq: 13, stream: 'PAY' });

      const report = await replayDeadLetters(store, t.js, { subject: 'orders.*' }, FAST);

      expect(report).toEqual({
        dryRun: false,
        aborted: false,
        replayed: [
          { dlqSeq: first, subject: 'orders.created', stream: 'ORDERS', seq: 1, duplicate: false },
          { dlqSeq: second, subject: 'orders.cancelled', stream: 'ORDERS', seq: 2, duplicate: false },
        ],
        wouldReplay: [],
        skipped: [],
        failed: [],
      });
      expect(await readStream(t.jsm, 'ORDERS')).toEqual([
        {
          seq: 1,
          subject: 'orders.created',
          headers: {
            'X-Tenant': ['acme'],
            'X-Tags': ['a', 'b'],
            'Nats-Msg-Id': [`replay:JETBUS_DLQ:${first}`],
            // Replay publishes with the stream its target check found as an expectation, and keeps
            // the job's identity (its original msg id, else stream:seq) for `idempotency`.
            'Nats-Expected-Stream': ['ORDERS'],
            'Jetbus-Job-Id': ['order:o-1'],
          },
          body: '{"id":"o-1"}',
        },
        {
          seq: 2,
          subject: 'orders.cancelled',
          headers: {
            'Nats-Msg-Id': [`replay:JETBUS_DLQ:${second}`],
            'Nats-Expected-Stream': ['ORDERS'],
            'Jetbus-Job-Id': ['ORDERS:12'],
          },
          body: '{"id":"o-2"}',
        },
      ]);
      expect(seqs(await store.list())).toEqual([other]);
    });

    it('publishes once when the same selection is replayed twice', async () => {
      const a = await writeDeadLetter(t.js, { subject: 'orders.created', seq: 1 });
      const b = await writeDeadLetter(t.js, { subject: 'orders.created', seq: 2 });

      const first = await replayDeadLetters(store, t.js, { ids: [a, b] }, FAST);
      const again = await replayDeadLetters(store, t.js, { ids: [a, b] }, FAST);
      const byFilter = await replayDeadLetters(store, t.js, { subject: 'orders.created' }, FAST);

      expect(seqs(first.replayed)).toEqual([a, b]);
      expect(again).toMatchObject({
        replayed: [],
        failed: [],
        skipped: [
          { dlqSeq: a, reason: 'not found (already replayed or deleted)' },
          { dlqSeq: b, reason: 'not found (already replayed or deleted)' },
        ],
      });
      expect(byFilter).toMatchObject({ replayed: [], skipped: [], failed: [] });
      expect((await readStream(t.jsm, 'ORDERS')).map((m) => m.headers['Nats-Msg-Id'])).toEqual([
        [`replay:JETBUS_DLQ:${a}`],
        [`replay:JETBUS_DLQ:${b}`],
      ]);
    });

    it('stores one copy when a replay crashed between publish and delete and runs again', async () => {
      const dlqSeq = await writeDeadLetter(t.js, {
        subject: 'orders.created',
        seq: 5,
        data: { id: 'o-5' },
        headers: { 'X-Tenant': 'acme' },
      });
      // What the crashed run got done: the publish, not the delete.
      const h = natsHeaders();
      h.set('X-Tenant', 'acme');
      const crashed = await t.js.publish('orders.created', encode({ id: 'o-5' }), {
        msgID: `replay:JETBUS_DLQ:${dlqSeq}`,
        headers: h,
      });

      const report = await replayDeadLetters(store, t.js, { ids: [dlqSeq] }, FAST);

      expect(report.replayed).toEqual([
        { dlqSeq, subject: 'orders.created', stream: 'ORDERS', seq: crashed.seq, duplicate: true },
      ]);
      expect(await readStream(t.jsm, 'ORDERS')).toHaveLength(1);
      expect(await store.get(dlqSeq)).toBeUndefined();
    });

    it('keeps a dead letter whose subject no stream captures any more, and says why', async () => {
      const gone = await writeDeadLetter(t.js, { subject: 'invoices.send', seq: 1, stream: 'INVOICES' });
      const fine = await writeDeadLetter(t.js, { subject: 'orders.created', seq: 2 });

      const report = await replayDeadLetters(store, t.js, { ids: [gone, fine] }, FAST);

      expect(seqs(report.replayed)).toEqual([fine]);
      expect(report.failed).toEqual([
        { dlqSeq: gone, subject: 'invoices.send', error: expect.any(NoStreamForSubjectError) },
      ]);
      expect(report.failed[0].error.message).toContain('"invoices.send"');
      expect(seqs(await store.list())).toEqual([gone]);
    });

    it('skips a malformed message and keeps it', async () => {
      const a = await writeDeadLetter(t.js, { subject: 'orders.created', seq: 1 });
      const bad = await writeMalformed(t.js, 'not from jetbus');
      const b = await writeDeadLetter(t.js, { subject: 'orders.created', seq: 2 });

      const listed = await store.list();
      const report = await replayDeadLetters(store, t.js, {}, FAST);

      expect(listed.map((e) => [e.dlqSeq, e.kind])).toEqual([
        [a, 'dead-letter'],
        [bad, 'malformed'],
        [b, 'dead-letter'],
      ]);
      expect(listed[1]).toMatchObject({
        problem: 'no Jetbus-Dlq-Subject header: the original subject is unknown',
        headers: { 'X-Origin': ['someone else'] },
      });
      expect(seqs(report.replayed)).toEqual([a, b]);
      expect(report.skipped).toEqual([
        { dlqSeq: bad, reason: 'malformed: no Jetbus-Dlq-Subject header: the original subject is unknown' },
      ]);
      expect(seqs(await store.list())).toEqual([bad]);
    });

    it('publishes and deletes nothing in a dry run, and names the stream each would go to', async () => {
      const a = await writeDeadLetter(t.js, { subject: 'orders.created', seq: 1 });
      const b = await writeDeadLetter(t.js, { subject: 'pay.charge', seq: 2, stream: 'PAY' });
      const gone = await writeDeadLetter(t.js, { subject: 'invoices.send', seq: 3 });

      const report = await replayDeadLetters(store, t.js, {}, { dryRun: true });

      expect(report).toMatchObject({
        dryRun: true,
        replayed: [],
        wouldReplay: [
          { dlqSeq: a, subject: 'orders.created', stream: 'ORDERS' },
          { dlqSeq: b, subject: 'pay.charge', stream: 'PAY' },
        ],
        failed: [{ dlqSeq: gone, subject: 'invoices.send', error: expect.any(NoStreamForSubjectError) }],
      });
      expect(await readStream(t.jsm, 'ORDERS')).toEqual([]);
      expect(seqs(await store.list())).toEqual([a, b, gone]);
    });

    it('stops when aborted, and a re-run replays exactly the rest', async () => {
      const all: number[] = [];
      for (let i = 1; i <= 5; i++)
        all.push(await writeDeadLetter(t.js, { subject: 'orders.created', seq: i }));
      const abort = new AbortController();
      const progress: ReplayProgress[] = [];

      const stopped = await replayDeadLetters(
        store,
        t.js,
        { subject: 'orders.>' },
        {
          ...FAST,
          signal: abort.signal,
          onProgress: (p) => {
            progress.push(p);
            if (p.replayed === 2) abort.abort();
          },
        },
      );
      const rest = await replayDeadLetters(store, t.js, { subject: 'orders.>' }, FAST);

      expect(stopped).toMatchObject({ aborted: true, failed: [], skipped: [] });
      expect(seqs(stopped.replayed)).toEqual(all.slice(0, 2));
      expect(progress).toEqual([
        { dlqSeq: all[0], outcome: 'replayed', replayed: 1, skipped: 0, failed: 0 },
        { dlqSeq: all[1], outcome: 'replayed', replayed: 2, skipped: 0, failed: 0 },
      ]);
      expect(seqs(rest.replayed)).toEqual(all.slice(2));
      expect((await readStream(t.jsm, 'ORDERS')).map((m) => m.headers['Nats-Msg-Id'][0])).toEqual(
        all.map((s) => `replay:JETBUS_DLQ:${s}`),
      );
      expect(await store.list()).toEqual([]);
    });

    it('leaves dead letters written while it runs to the next run, so a job failing again cannot loop', async () => {
      const a = await writeDeadLetter(t.js, { subject: 'orders.created', seq: 1 });
      const b = await writeDeadLetter(t.js, { subject: 'orders.created', seq: 2 });
      const written: number[] = [];
      // As if each replayed job failed again at once and a worker dead-lettered it anew.
      class RefailingStore extends DeadLetterStore {
        override async delete(dlqSeq: number): Promise<boolean> {
          written.push(await writeDeadLetter(t.js, { subject: 'orders.created', seq: 100 + dlqSeq }));
          return super.delete(dlqSeq);
        }
      }

      const report = await replayDeadLetters(
        new RefailingStore(t.jsm),
        t.js,
        { subject: 'orders.created' },
        FAST,
      );

      expect(seqs(report.replayed)).toEqual([a, b]);
      expect(written).toHaveLength(2);
      expect(seqs(await store.list())).toEqual(written);
    });

    it('keeps the dead letter when its replay id was already used by another message', async () => {
      // A DLQ stream recreated within ORDERS' duplicate window starts again at seq 1: same replay id.
      const old = await writeDeadLetter(t.js, { subject: 'orders.created', seq: 1, data: { id: 'old' } });
      await replayDeadLetters(store, t.js, { ids: [old] }, FAST);
      await t.jsm.streams.delete('JETBUS_DLQ');
      await t.jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'] });
      const fresh = await writeDeadLetter(t.js, { subject: 'orders.created', seq: 2, data: { id: 'new' } });
      expect(fresh).toBe(old);

      const report = await replayDeadLetters(store, t.js, { ids: [fresh] }, FAST);

      expect(report.replayed).toEqual([]);
      expect(report.failed).toEqual([
        { dlqSeq: fresh, subject: 'orders.created', error: expect.any(ReplayConflictError) },
      ]);
      expect((await readStream(t.jsm, 'ORDERS')).map((m) => m.body)).toEqual(['{"id":"old"}']);
      expect((await store.get(fresh))?.json()).toEqual({ id: 'new' });
    });
  });

  describe('DeadLetterStore', () => {
    const day = (d: number) => new Date(Date.UTC(2026, 0, d, 12));

    /** Six dead letters, one of them malformed; returns their DLQ seqs in order. */
    async function fill(): Promise<number[]> {
      return [
        await writeDeadLetter(t.js, {
          subject: 'orders.created',
          seq: 1,
          consumer: 'orders_orders-created',
          reason: 'error',
          errorClass: 'TypeError',
          errorMessage: 'Gateway down',
          failedAt: day(1),
        }),
        await writeDeadLetter(t.js, {
          subject: 'orders.created.eu',
          seq: 2,
          consumer: 'orders_orders-created-eu',
          reason: 'validation',
          errorClass: 'InvalidPayloadError',
          errorMessage: 'items: must not be empty',
          failedAt: day(2),
        }),
        await writeMalformed(t.js, '?'),
        await writeDeadLetter(t.js, {
          subject: 'pay.charge',
          seq: 3,
          stream: 'PAY',
          consumer: 'pay_pay-charge',
          reason: 'max-deliveries',
          errorClass: 'MaxDeliveries',
          errorMessage: 'worker died',
          failedAt: day(3),
        }),
        await writeDeadLetter(t.js, {
          subject: 'orders.cancelled',
          seq: 4,
          consumer: 'orders_orders-cancelled',
          reason: 'validation',
          errorClass: 'InvalidPayloadError',
          errorMessage: 'id: must be a string',
          failedAt: day(4),
        }),
        await writeDeadLetter(t.js, {
          subject: 'orders.created',
          seq: 5,
          consumer: 'orders_orders-created',
          reason: 'decode',
          errorClass: 'DecodeError',
          errorMessage: 'gateway said <html>',
          failedAt: day(5),
        }),
      ];
    }

    it('selects exactly the dead letters each filter names', async () => {
      const [s1, s2, bad, s3, s4, s5] = await fill();
      const pick = async (filter: Parameters<DeadLetterStore['list']>[0]) => seqs(await store.list(filter));

      expect(await pick({})).toEqual([s1, s2, bad, s3, s4, s5]);
      expect(await pick({ subject: 'orders.created' })).toEqual([s1, s5]);
      expect(await pick({ subject: 'orders.*' })).toEqual([s1, s4, s5]);
      expect(await pick({ subject: 'orders.>' })).toEqual([s1, s2, s4, s5]);
      expect(await pick({ subject: '*.charge' })).toEqual([s3]);
      expect(await pick({ consumer: 'orders_orders-created' })).toEqual([s1, s5]);
      expect(await pick({ reason: 'validation' })).toEqual([s2, s4]);
      expect(await pick({ error: 'gateway' })).toEqual([s1, s5]);
      expect(await pick({ error: 'invalidpayloaderror: id' })).toEqual([s4]);
      expect(await pick({ since: day(2), until: day(4) })).toEqual([s2, s3]);
      expect(await pick({ since: day(4) })).toEqual([s4, s5]);
      expect(await pick({ ids: [s5, bad, s1] })).toEqual([s1, bad, s5]);
      expect(await pick({ ids: [s1, s2, 999], reason: 'validation' })).toEqual([s2]);
      expect(await pick({ limit: 2 })).toEqual([s1, s2]);
      expect(await pick({ subject: 'orders.>', limit: 3 })).toEqual([s1, s2, s4]);
      expect(await pick({ subject: 'orders.>', reason: 'decode', error: 'GATEWAY' })).toEqual([s5]);
    });

    it('gets one, deletes one, and lists around the gaps', async () => {
      const [s1, s2, bad, s3, s4, s5] = await fill();

      expect(await store.get(s4)).toMatchObject<Partial<DeadLetterEntry>>({
        kind: 'dead-letter',
        dlqSeq: s4,
      });
      expect(await store.delete(s2)).toBe(true);
      expect(await store.delete(s3)).toBe(true);
      expect(await store.delete(s3)).toBe(false);
      expect(await store.delete(999)).toBe(false);
      expect(await store.get(s3)).toBeUndefined();
      expect(seqs(await store.list())).toEqual([s1, bad, s4, s5]);
    });

    it('purges exactly the filtered dead letters, then everything', async () => {
      const [s1, , bad, s3, , s5] = await fill();

      expect(await store.purge({ reason: 'validation' })).toBe(2);
      expect(seqs(await store.list())).toEqual([s1, bad, s3, s5]);
      expect(await store.purge({ subject: 'orders.created', limit: 1 })).toBe(1);
      expect(seqs(await store.list())).toEqual([bad, s3, s5]);
      expect(await store.purge()).toBe(3);
      expect(await store.list()).toEqual([]);
      expect(await store.purge()).toBe(0);
    });

    it('says so when the DLQ stream does not exist', async () => {
      const missing = new DeadLetterStore(t.jsm, { stream: 'NO_SUCH_DLQ' });
      await expect(missing.list()).rejects.toThrow(DeadLetterStreamNotFoundError);
      await expect(missing.get(1)).rejects.toThrow(DeadLetterStreamNotFoundError);
      await expect(replayDeadLetters(missing, t.js, { subject: '>' })).rejects.toThrow(
        'dead-letter stream NO_SUCH_DLQ does not exist',
      );
    });
  });
});

const shipping = { broken: true, shipped: [] as { id: string; headers: Record<string, string[]> }[] };

@Injectable()
class ShippingJobs {
  @JobHandler('ship.parcel', { maxAttempts: 1 })
  ship(@Payload() job: { id: string }, @Ctx() ctx: JetbusContext): void {
    if (shipping.broken) throw new NonRetryableError('carrier API rejected the label');
    shipping.shipped.push({ id: job.id, headers: ctx.headers });
  }
}

describe('dead letters: written by a worker, replayed to a worker', () => {
  const t = useJetbus(
    {
      name: 'ship',
      logger: false,
      streams: [{ name: 'SHIP', subjects: ['ship.>'], retention: 'workqueue' }],
    },
    [ShippingJobs],
  );

  it('hands the fixed handler each job again, with its payload and original headers', async () => {
    const { js, jsm } = t.connection;
    const store = new DeadLetterStore(jsm);
    const bus = t.bus;
    await bus.publish('ship.parcel', { id: 'p-1' }, { headers: { 'X-Tenant': 'acme' }, msgId: 'parcel:p-1' });
    await bus.publish('ship.parcel', { id: 'p-2' }, { headers: { 'X-Tenant': 'globex' } });
    const dead = await waitFor('both jobs dead-lettered', async () => {
      const entries = await store.list().catch(() => []);
      return entries.length === 2 && entries;
    });
    // The handler may run both at once, so the DLQ order is not the publish order.
    const byId = new Map(dead.map((d) => [d.json<{ id: string }>().id, d]));
    expect(
      [...byId].sort().map(([id, d]) => d.kind === 'dead-letter' && [id, d.subject, d.reason, d.errorClass]),
    ).toEqual([
      ['p-1', 'ship.parcel', 'error', 'NonRetryableError'],
      ['p-2', 'ship.parcel', 'error', 'NonRetryableError'],
    ]);
    expect(byId.get('p-1')).toMatchObject({ originalMsgId: 'parcel:p-1', headers: { 'X-Tenant': ['acme'] } });

    shipping.broken = false;
    const report = await replayDeadLetters(store, js, { subject: 'ship.parcel', error: 'carrier' }, FAST);

    expect(report).toMatchObject({
      replayed: seqs(dead).map((dlqSeq) => ({ dlqSeq })),
      skipped: [],
      failed: [],
    });
    await waitFor('both jobs shipped', () => shipping.shipped.length === 2);
    expect(shipping.shipped.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      {
        id: 'p-1',
        headers: {
          'X-Tenant': ['acme'],
          'Nats-Msg-Id': [`replay:JETBUS_DLQ:${byId.get('p-1')!.dlqSeq}`],
          'Nats-Expected-Stream': ['SHIP'],
          'Jetbus-Job-Id': ['parcel:p-1'],
        },
      },
      {
        id: 'p-2',
        headers: {
          'X-Tenant': ['globex'],
          'Nats-Msg-Id': [`replay:JETBUS_DLQ:${byId.get('p-2')!.dlqSeq}`],
          'Nats-Expected-Stream': ['SHIP'],
          'Jetbus-Job-Id': ['SHIP:2'],
        },
      },
    ]);
    expect(await store.list()).toEqual([]);
  });
});
