import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect, headers as natsHeaders } from '@nats-io/transport-node';
import { DeadLetterHeaders as H, DeadLetterStore, deadLetterMsgId } from '@jetbus/core';
import { NatsServer } from '@jetbus/testing';
import { toCriteria } from './dead-letter-criteria';
import { DeadLetterScan, type ScanRequest } from './dead-letter-scan';
import { type DeadLetterFilterDto } from './dto/dead-letter-filter.dto';
import { StreamWindowReader } from './stream-window-reader';

/*
 * Paging with a small scan budget on a real server: whatever the budget, order and filter,
 * following `next` returns every matching dead letter exactly once, in order.
 */
describe('DeadLetterScan on nats-server', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let js: JetStreamClient;
  let scan: DeadLetterScan;
  /** DLQ seq → the entry's subject and error, as written. */
  const written: { seq: number; subject: string; error: string }[] = [];

  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url });
    jsm = await jetstreamManager(nc);
    js = jetstream(nc);
    await jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'] });
    for (let i = 1; i <= 40; i++) {
      const subject = i % 3 === 0 ? 'pay.refund' : 'orders.created';
      const error = i % 5 === 0 ? `ledger locked ${i}` : `upstream ${i}`;
      const h = natsHeaders();
      h.set(H.Subject, subject);
      h.set(H.Stream, 'S');
      h.set(H.Seq, String(i));
      h.set(H.Reason, 'error');
      h.set(H.ErrorClass, 'Error');
      h.set(H.ErrorMessage, error);
      h.set(H.OriginalMsgId, `job-${i}`);
      const ack = await js.publish(`dlq.${subject}`, new TextEncoder().encode(`{"i":${i}}`), {
        headers: h,
        msgID: deadLetterMsgId('S', i),
      });
      written.push({ seq: ack.seq, subject, error });
    }
    // Gaps, as replays and deletes leave them.
    for (const seq of [2, 3, 17, 30, 40]) await jsm.streams.deleteMessage('JETBUS_DLQ', seq);
    written.splice(0, written.length, ...written.filter((w) => ![2, 3, 17, 30, 40].includes(w.seq)));
    const store = new DeadLetterStore(jsm);
    scan = new DeadLetterScan(store, new StreamWindowReader(jsm, js, store.stream, true));
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  /** Every page of a search, following `next`. */
  async function follow(req: Omit<ScanRequest, 'from'>): Promise<{ pages: number[][]; scanned: number[] }> {
    const pages: number[][] = [];
    const scanned: number[] = [];
    let from: number | undefined;
    for (let i = 0; i < 100; i++) {
      const page = await scan.page({ ...req, ...(from !== undefined ? { from } : {}) });
      pages.push(page.entries.map((e) => e.dlqSeq));
      scanned.push(page.scanned);
      expect(page.total).toBe(35);
      if (page.next === null) return { pages, scanned };
      from = page.next;
    }
    throw new Error('did not end');
  }

  const expected = (keep: (w: (typeof written)[number]) => boolean) => written.filter(keep).map((w) => w.seq);

  it.each([
    ['nothing', {}, () => true],
    ['a subject', { subject: 'pay.*' }, (w: (typeof written)[number]) => w.subject === 'pay.refund'],
    ['an error text', { error: 'LEDGER' }, (w: (typeof written)[number]) => w.error.startsWith('ledger')],
    [
      'subject and text',
      { subject: 'orders.>', q: 'locked' },
      (w: (typeof written)[number]) => w.subject === 'orders.created' && w.error.startsWith('ledger'),
    ],
    ['a job id', { id: 'job-21' }, (w: (typeof written)[number]) => w.seq === 21],
  ] as [string, DeadLetterFilterDto, (w: (typeof written)[number]) => boolean][])(
    'pages through %s exactly, both orders, any budget',
    async (_name, filter, keep) => {
      const all = expected(keep);
      for (const budget of [1, 7, 1000])
        for (const limit of [2, 50]) {
          const criteria = toCriteria(filter);
          const oldest = await follow({ criteria, order: 'oldest', limit, budget });
          const newest = await follow({ criteria, order: 'newest', limit, budget });
          expect([budget, limit, oldest.pages.flat()]).toEqual([budget, limit, all]);
          expect([budget, limit, newest.pages.flat()]).toEqual([budget, limit, [...all].reverse()]);
          for (const page of [...oldest.pages, ...newest.pages])
            expect(page.length).toBeLessThanOrEqual(limit);
          for (const n of [...oldest.scanned, ...newest.scanned]) expect(n).toBeLessThanOrEqual(budget);
        }
    },
    120_000,
  );

  it('stops at a full page: the first newest page of 3 reads a window of 6 sequences (5 left), the oldest 3', async () => {
    const criteria = toCriteria({});
    const newest = await scan.page({ criteria, order: 'newest', limit: 3 });
    const oldest = await scan.page({ criteria, order: 'oldest', limit: 3 });
    expect([newest.entries.map((e) => e.dlqSeq), newest.scanned, newest.next]).toEqual([[39, 38, 37], 5, 36]);
    expect([oldest.entries.map((e) => e.dlqSeq), oldest.scanned, oldest.next]).toEqual([[1, 4, 5], 3, 6]);
  });

  it('returns every match, oldest first, for a bulk selection', async () => {
    const seqs: number[] = [];
    for await (const e of scan.all(toCriteria({ subject: 'pay.refund' }))) seqs.push(e.dlqSeq);
    expect(seqs).toEqual(expected((w) => w.subject === 'pay.refund'));
  });
});
