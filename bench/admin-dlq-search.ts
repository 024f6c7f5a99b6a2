/**
 * Measures (does not assert) dead-letter search in the admin app over a DLQ of 100,000 entries:
 * the first page with no filter, an error-text search that matches one entry (followed page by
 * page, as the UI does, since each request examines at most 20,000 entries), a subject filter,
 * a free-text search and the first oldest-first page. The DLQ is filled with the headers core's
 * `StreamDeadLetterSink` writes (`Jetbus-Dlq-*`, `Nats-Msg-Id: dlq:<stream>:<seq>`), each entry
 * with a ~1 KiB payload that the search must never read.
 *
 *   node -r ./scripts/register-ts.js bench/admin-dlq-search.ts [--entries 100000] [--repeat 3]
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { type JetStreamClient, type PubAck, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { DeadLetterHeaders as H, deadLetterMsgId } from '@jetbus/core';
import { startAdmin, tokenDigest } from '@jetbus/admin';
import { NatsServer } from '@jetbus/testing';

const ENTRIES = Number(process.argv[process.argv.indexOf('--entries') + 1]) || 100_000;
/** Every this-many-th entry is a pay.refund job (the subject-filter case). */
const REFUND_EVERY = 1_000;
/** Timed repetitions of each query (after one warm-up); the median and the spread are printed. */
const REPEAT = Number(process.argv[process.argv.indexOf('--repeat') + 1]) || 3;
const IN_FLIGHT = 1_000;

const payload = new TextEncoder().encode(JSON.stringify({ order: 'x'.repeat(1000) }));

async function fill(js: JetStreamClient, needle: number): Promise<void> {
  let pending: Promise<PubAck>[] = [];
  for (let i = 1; i <= ENTRIES; i++) {
    const subject = i % REFUND_EVERY === 0 ? 'pay.refund' : 'orders.created';
    const h = natsHeaders();
    h.set('traceparent', `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`);
    h.set(H.OriginalMsgId, `job-${i}`);
    h.set(H.Subject, subject);
    h.set(H.Stream, subject.startsWith('pay') ? 'PAY' : 'ORDERS');
    h.set(H.Seq, String(i));
    h.set(H.Consumer, subject.startsWith('pay') ? 'pay_refund' : 'orders_created');
    h.set(H.Attempts, '5');
    h.set(H.Reason, 'error');
    h.set(H.ErrorClass, 'Error');
    h.set(
      H.ErrorMessage,
      i === needle ? 'needle: ledger row locked by batch 7781' : `upstream 503 for order ${i % 97}`,
    );
    h.set(
      H.ErrorStack,
      'at Orders.created (orders.service.ts:42:11) | at JobRunner.run (job-runner.ts:88:7)',
    );
    h.set(H.FailedAt, new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString());
    h.set(H.Handler, subject.startsWith('pay') ? 'Pay.refund' : 'Orders.created');
    pending.push(js.publish(`dlq.${subject}`, payload, { headers: h, msgID: deadLetterMsgId('ORDERS', i) }));
    if (pending.length >= IN_FLIGHT) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
}

interface Page {
  items: { seq: number }[];
  next: string | null;
  scanned: number;
  total: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const server = await NatsServer.start();
  const nc = await connect({ servers: server.url });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'] });
  const needle = Math.floor(ENTRIES * 0.37);
  const t0 = performance.now();
  await fill(js, needle);
  const fillMs = performance.now() - t0;
  console.error(`filled ${ENTRIES} in ${(fillMs / 1000).toFixed(1)} s`);
  const { state } = await jsm.streams.info('JETBUS_DLQ');

  const token = `jbt_bench_${randomBytes(24).toString('base64url')}`;
  const admin = await startAdmin({
    port: 0,
    logger: false,
    nats: { servers: server.url },
    tokens: [{ name: 'bench', role: 'viewer', sha256: tokenDigest(token) }],
  });
  const get = async (path: string): Promise<{ ms: number; page: Page }> => {
    const start = performance.now();
    const res = await fetch(`${admin.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const page = (await res.json()) as Page;
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(page)}`);
    return { ms: performance.now() - start, page };
  };
  /** Follows `next` until the page has an item or the DLQ ends, as the UI does. */
  const follow = async (query: string) => {
    const start = performance.now();
    let requests = 0;
    let scanned = 0;
    let cursor: string | null = null;
    let page: Page;
    do {
      const r = await get(`/api/dead-letters?${query}${cursor ? `&cursor=${cursor}` : ''}`);
      page = r.page;
      requests++;
      scanned += page.scanned;
      cursor = page.next;
    } while (page.items.length === 0 && cursor !== null);
    return { ms: performance.now() - start, requests, scanned, found: page.items.map((i) => i.seq) };
  };

  const rows: string[] = [];
  const time = async (label: string, run: () => Promise<{ ms: number; detail: string }>) => {
    await run(); // warm-up: the first request of a kind opens the store, reads the stream info
    const runs: { ms: number; detail: string }[] = [];
    for (let i = 0; i < REPEAT; i++) runs.push(await run());
    const ms = runs.map((r) => r.ms);
    const row = `${label.padEnd(58)} median ${median(ms).toFixed(1).padStart(7)} ms  (min ${Math.min(...ms).toFixed(1)}, max ${Math.max(...ms).toFixed(1)})  ${runs[0].detail}`;
    rows.push(row);
    console.error(row);
  };

  await time('first page, no filter, newest first (limit 50)', async () => {
    const { ms, page } = await get('/api/dead-letters');
    return { ms, detail: `items ${page.items.length}, scanned ${page.scanned}, total ${page.total}` };
  });
  await time('first page, no filter, oldest first (limit 50)', async () => {
    const { ms, page } = await get('/api/dead-letters?order=oldest');
    return { ms, detail: `items ${page.items.length}, scanned ${page.scanned}` };
  });
  await time('first page, limit 200', async () => {
    const { ms, page } = await get('/api/dead-letters?limit=200');
    return { ms, detail: `items ${page.items.length}, scanned ${page.scanned}` };
  });
  await time('error text matching 1 of all: one request (20k budget)', async () => {
    const { ms, page } = await get('/api/dead-letters?error=ledger%20row%20locked');
    return { ms, detail: `items ${page.items.length}, scanned ${page.scanned}, next ${page.next}` };
  });
  await time('error text matching 1 of all: followed to the hit', async () => {
    const r = await follow('error=ledger%20row%20locked');
    return {
      ms: r.ms,
      detail: `requests ${r.requests}, scanned ${r.scanned}, found seq ${r.found.join(',')}`,
    };
  });
  await time('error text matching nothing: followed to the end', async () => {
    const r = await follow('error=no%20such%20error%20anywhere');
    return { ms: r.ms, detail: `requests ${r.requests}, scanned ${r.scanned}, found ${r.found.length}` };
  });
  await time(`subject filter pay.refund (1 in ${REFUND_EVERY}), first page`, async () => {
    const { ms, page } = await get('/api/dead-letters?subject=pay.refund');
    return { ms, detail: `items ${page.items.length}, scanned ${page.scanned}, next ${page.next}` };
  });
  await time('subject filter pay.refund, followed to the end (50/page)', async () => {
    const start = performance.now();
    let cursor: string | null = null;
    let requests = 0;
    let items = 0;
    do {
      const r = await get(`/api/dead-letters?subject=pay.refund${cursor ? `&cursor=${cursor}` : ''}`);
      requests++;
      items += r.page.items.length;
      cursor = r.page.next;
    } while (cursor !== null);
    return { ms: performance.now() - start, detail: `requests ${requests}, items ${items}` };
  });
  await time('free text q=job-12345 (id / msg id), followed to the hit', async () => {
    const r = await follow('q=job-12345');
    return {
      ms: r.ms,
      detail: `requests ${r.requests}, scanned ${r.scanned}, found seq ${r.found.join(',')}`,
    };
  });

  console.log(
    `admin dead-letter search, nats-server ${nc.info?.version}, ${state.messages} dead letters ` +
      `(${(state.bytes / 1e6).toFixed(0)} MB), filled in ${(fillMs / 1000).toFixed(1)} s; ${REPEAT} timed runs each after one warm-up`,
  );
  for (const row of rows) console.log(row);

  await admin.close();
  await nc.close();
  await server.stop();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
