import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Kvm } from '@nats-io/kv';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  Ctx,
  DeadLetterStore,
  type JetbusContext,
  JetbusMetrics,
  JetbusServer,
  JobHandler,
  Payload,
  replayDeadLetters,
} from '@jetbus/core';
// Internals, to stage the state a crash would leave.
import { ATTEMPT_LEDGER_BUCKET, attemptKey } from '../../libs/core/src/retry/attempt-ledger';
import { completedJobsBucket } from '../../libs/core/src/server/completed-jobs';
import { readDeadLetters } from '../support/dead-letters';
import { uniqueName } from '../support/jetbus-app';
import { useJetbus } from '../support/use-jetbus';
import { sleep, waitFor } from '../support/wait-for';
import { WorkerFleet } from '../support/worker-fleet';

const runs: string[] = [];

@Injectable()
class InvoiceJobs {
  failNext = 0;
  @JobHandler('invoice.send', { idempotency: { ttl: '1h' }, backoff: { type: 'fixed', delay: 50 } })
  send(@Payload() job: { id: string }, @Ctx() _ctx: JetbusContext): void {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('mail server down');
    }
    runs.push(job.id);
  }
}

describe('effectively-once handlers (idempotency)', () => {
  const t = useJetbus(
    {
      name: 'billing',
      // A 1 s duplicate window: a publisher retry after it is stored again, as after an outage.
      streams: [{ name: 'INVOICES', subjects: ['invoice.>'], retention: 'workqueue', duplicateWindow: '1s' }],
    },
    [InvoiceJobs],
  );

  it('acks a publisher retry of a completed job without running it again, and counts it', async () => {
    const bus = t.bus;
    const first = await bus.publish('invoice.send', { id: 'inv-1' }, { msgId: 'inv-1' });
    await waitFor('the first run', () => runs.includes('inv-1'));
    await sleep(1_200); // past the stream's duplicate window
    const retry = await bus.publish('invoice.send', { id: 'inv-1' }, { msgId: 'inv-1' });
    expect(retry.duplicate).toBe(false);
    expect(retry.seq).toBeGreaterThan(first.seq);
    const { jsm } = t.connection;
    await waitFor('the retry settled', async () => (await jsm.streams.info('INVOICES')).state.messages === 0);
    expect(runs.filter((id) => id === 'inv-1')).toEqual(['inv-1']);
    const metrics = await t.app.get(JetbusMetrics).registry.getSingleMetricAsString('jetbus_jobs_total');
    expect(metrics).toMatch(/outcome="skipped_completed"} 1/);
  });

  it('still retries a job that failed: only completions are remembered', async () => {
    t.app.get(InvoiceJobs).failNext = 2;
    await t.bus.publish('invoice.send', { id: 'inv-2' }, { msgId: 'inv-2' });
    await waitFor('the third attempt', () => runs.includes('inv-2'));
    expect(runs.filter((id) => id === 'inv-2')).toEqual(['inv-2']);
  });

  it('skips a replay of a completed job, and runs a replay of one that never completed', async () => {
    const { jsm, js } = t.connection;
    const store = new DeadLetterStore(jsm);
    // Dead letters as a worker writes them: one of a job that completed (inv-1), one that did not.
    for (const [id, seq] of [
      ['inv-1', 901],
      ['inv-3', 902],
    ] as const) {
      await js.publish(`dlq.invoice.send`, new TextEncoder().encode(JSON.stringify({ id })), {
        msgID: `dlq:INVOICES:${seq}`,
        headers: deadLetterHeaders(id, seq),
      });
    }
    const report = await replayDeadLetters(store, js, { subject: 'invoice.send' }, { ratePerSecond: 1_000 });
    expect(report.replayed).toHaveLength(2);
    await waitFor('inv-3 ran', () => runs.includes('inv-3'));
    await waitFor('both settled', async () => (await jsm.streams.info('INVOICES')).state.messages === 0);
    expect(runs.filter((id) => id === 'inv-1')).toEqual(['inv-1']); // not again
  });
});

function deadLetterHeaders(msgId: string, seq: number) {
  const h = natsHeaders();
  const fields: [string, string][] = [
    ['Jetbus-Dlq-Original-Msg-Id', msgId],
    ['Jetbus-Dlq-Subject', 'invoice.send'],
    ['Jetbus-Dlq-Stream', 'INVOICES'],
    ['Jetbus-Dlq-Seq', String(seq)],
    ['Jetbus-Dlq-Consumer', 'billing_invoice-send'],
    ['Jetbus-Dlq-Attempts', '5'],
    ['Jetbus-Dlq-Reason', 'max-deliveries'],
  ];
  for (const [k, v] of fields) h.set(k, v);
  return h;
}

describe('effectively-once handlers: jobs that finished before a crash', () => {
  const t = useJetbus({
    name: 'producer',
    streams: [{ name: 'CRASH', subjects: ['crash.>'], retention: 'workqueue' }],
  });
  let fleet: WorkerFleet | undefined;
  t.onStop(async () => fleet?.stop());

  it('runs each of the 7 jobs that finished before the crash once, and the 8 in flight once more', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'jetbus-idem-')), 'done.txt');
    const env = { NATS_URL: t.server.url, OUT: out, MAX_ATTEMPTS: '3', CONCURRENCY: '16', IDEMPOTENCY: '1' };
    fleet = new WorkerFleet('crash-worker.ts', 1, env);
    await fleet.start();
    const run = uniqueName('i');
    const quick = Array.from({ length: 7 }, (_, i) => ({ id: `${run}-quick-${i}`, sleepMs: 20 }));
    const slow = Array.from({ length: 8 }, (_, i) => ({ id: `${run}-slow-${i}`, sleepMs: 400 }));
    const crash = { id: `${run}-crash`, poison: true, crashAfterMs: 150 };
    await t.bus.publishMany([...quick, crash, ...slow].map((data) => ({ subject: 'crash.job', data })));

    const lines = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []);
    const { jsm } = t;
    await waitFor(
      'all 15 done and the crash job dead-lettered',
      async () =>
        new Set(lines().map((l) => l.split(' ')[0])).size === 15 &&
        (await jsm.streams.info('JETBUS_DLQ').catch(() => undefined))?.state.messages === 1,
      60_000,
      100,
    );
    await fleet.stop();
    const ids = lines().map((l) => l.split(' ')[0]);
    expect(ids.sort()).toEqual([...quick, ...slow].map((j) => j.id).sort()); // every handler run once
    const [dead] = await readDeadLetters(jsm);
    expect(JSON.parse(dead.body)).toMatchObject({ id: crash.id });
  });
});

@Injectable()
class ReceiptJobs {
  runs = 0;
  @JobHandler('receipt.send', { idempotency: { ttl: '1h' }, ackWait: '1s' })
  send(@Payload() _job: { id: string }): void {
    this.runs++;
  }
}

describe('effectively-once handlers: a suspect that had in fact completed', () => {
  const opts = {
    name: 'billing',
    streams: [{ name: 'RECEIPTS', subjects: ['receipt.>'], retention: 'workqueue' as const }],
  };
  // Provisions the stream and the durable, consumes nothing.
  const t = useJetbus(opts, [ReceiptJobs], { start: false });

  it('is acked, not dead-lettered, when its isolated runs used up crashLimit but the last one completed', async () => {
    await t.app.get(JetbusServer).start();
    await t.app.get(JetbusServer).close();
    const pub = await t.js.publish('receipt.send', JSON.stringify({ id: 'r-9' }), { msgID: 'r-9' });
    // Delivery 1 to a worker that dies holding it (never settled)...
    const taken = await (
      await t.js.consumers.get('RECEIPTS', 'billing_receipt-send')
    ).next({ expires: 5_000 });
    expect(taken?.seq).toBe(pub.seq);
    // ...whose isolated runs had counted two crashes, the last of which completed (its key was
    // recorded) before the ack and the ledger update were lost with the server.
    const kvm = new Kvm(t.js);
    const done = await kvm.create(completedJobsBucket('billing_receipt-send'), { history: 1 });
    await done.put(createHash('sha256').update('r-9').digest('hex'), new Date().toISOString());
    const ledger = await kvm.create(ATTEMPT_LEDGER_BUCKET, { history: 1 });
    await ledger.put(
      attemptKey('RECEIPTS', 'billing_receipt-send', pub.seq),
      JSON.stringify({ settledAt: 0, failures: 0, isolatedCrashes: 2, isolatedAt: 1 }),
    );

    const worker = await t.startApp(opts, [ReceiptJobs]);
    await waitFor('the job settled', async () => (await t.jsm.streams.info('RECEIPTS')).state.messages === 0);
    expect((await t.jsm.streams.info('JETBUS_DLQ')).state.messages).toBe(0);
    expect(worker.get(ReceiptJobs).runs).toBe(0);
    const metrics = await worker.get(JetbusMetrics).registry.getSingleMetricAsString('jetbus_jobs_total');
    expect(metrics).toMatch(/outcome="skipped_completed"} 1/);
  });
});
