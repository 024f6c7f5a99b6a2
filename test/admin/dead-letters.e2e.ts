import { type INestApplicationContext, Injectable } from '@nestjs/common';
import { type JetStreamManager } from '@nats-io/jetstream';
import pino from 'pino';
import { JetbusClient, JobHandler, NonRetryableError, Payload } from '@jetbus/core';
import { type StoredAuditEntry } from '@jetbus/admin';
import { startJetbusApp } from '../support/jetbus-app';
import { type ApiClient, useAdmin } from '../support/use-admin';
import { waitFor } from '../support/wait-for';
import { writeDeadLetter } from '../dead-letter/support/dead-letter-writer';

interface Order {
  qty: number;
  note?: string;
}

/** Fails on a negative quantity unless the test has accepted it since (the "fix" a replay needs). */
@Injectable()
class OrderJobs {
  static processed: Order[] = [];
  static accepted = new Set<number>();

  @JobHandler('orders.created')
  created(@Payload() job: Order): void {
    if (job.qty < 0 && !OrderJobs.accepted.has(job.qty)) throw new NonRetryableError(`bad qty ${job.qty}`);
    OrderJobs.processed.push(job);
  }

  @JobHandler('pay.charge')
  charge(@Payload() _job: object): void {
    throw new NonRetryableError('card declined');
  }
}

interface Item {
  seq: number;
  id: string;
  msgId: string | null;
  subject: string;
  stream: string;
  streamSeq: number;
  durable: string;
  handler: string | null;
  reason: string;
  error: string;
  attempts: number;
  deadAt: string;
  traceId: string | null;
}
interface Page {
  items: Item[];
  next: string | null;
  scanned: number;
  total: number;
}
interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  code?: string;
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

/** Every audit entry of a dead-letter action, oldest first, as the stream stores them. */
async function auditEntries(jsm: JetStreamManager): Promise<StoredAuditEntry[]> {
  const { state } = await jsm.streams.info('JETBUS_AUDIT');
  const out: StoredAuditEntry[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const m = await jsm.streams.getMessage('JETBUS_AUDIT', { seq });
    if (m?.subject.startsWith('jetbus.audit.dlq.')) out.push({ ...m.json<StoredAuditEntry>(), seq: m.seq });
  }
  return out;
}

const seqsOf = (page: Page) => page.items.map((i) => i.seq);

describe('admin: dead letters', () => {
  const t = useAdmin();

  it('documents every dead-letter route in the OpenAPI document', async () => {
    const res = await t.anonymous.get<{ paths: Record<string, Record<string, { tags?: string[] }>> }>(
      '/api/docs-json',
    );
    expect(res.status).toBe(200);
    const routes = Object.entries(res.body.paths)
      .filter(([path]) => path.startsWith('/api/dead-letters'))
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(routes).toEqual([
      'DELETE /api/dead-letters/{seq}',
      'GET /api/dead-letters',
      'GET /api/dead-letters/replays/{replayId}',
      'GET /api/dead-letters/{seq}',
      'POST /api/dead-letters/purge',
      'POST /api/dead-letters/replay',
      'POST /api/dead-letters/{seq}/edit-replay',
      'POST /api/dead-letters/{seq}/replay',
    ]);
  });

  it('answers an empty page while there is no DLQ stream yet', async () => {
    const res = await t.api('viewer').get('/api/dead-letters');
    expect([res.status, res.body]).toEqual([200, { items: [], next: null, scanned: 0, total: 0 }]);
  });

  describe('with a worker that dead-letters bad orders', () => {
    let worker: INestApplicationContext;
    let bus: JetbusClient;
    /** DLQ sequences of the jobs written in beforeAll, by name. */
    const dl: Record<'order1' | 'order2' | 'pay' | 'hostile', number> = {
      order1: 0,
      order2: 0,
      pay: 0,
      hostile: 0,
    };
    let viewer: ApiClient;
    let operator: ApiClient;

    const dlqCount = async () => (await t.jsm.streams.info('JETBUS_DLQ')).state.messages;
    /** Publishes one job and waits until it is dead-lettered; resolves with its DLQ sequence. */
    async function deadLetter(
      subject: string,
      job: object,
      options: { msgId?: string; headers?: Record<string, string> } = {},
    ) {
      const before = (await t.jsm.streams.info('JETBUS_DLQ')).state.last_seq;
      await bus.publish(subject, job, options);
      return waitFor(`${subject} dead-lettered`, async () => {
        const { state } = await t.jsm.streams.info('JETBUS_DLQ');
        return state.last_seq > before ? state.last_seq : undefined;
      });
    }

    beforeAll(async () => {
      worker = await startJetbusApp(
        {
          servers: t.server.url,
          name: 'dlq-admin-e2e',
          logger: pino({ level: 'silent' }),
          streams: [
            { name: 'ORDERS', subjects: ['orders.>'], retention: 'workqueue' },
            { name: 'PAY', subjects: ['pay.>'], retention: 'workqueue' },
          ],
        },
        [OrderJobs],
      );
      bus = worker.get(JetbusClient);
      viewer = t.api('viewer');
      operator = t.api('operator');
      dl.order1 = await deadLetter('orders.created', { qty: -1 }, { msgId: 'order-1' });
      dl.order2 = await deadLetter('orders.created', { qty: -2 }, { msgId: 'order-2' });
      dl.pay = await deadLetter(
        'pay.charge',
        { amount: 7 },
        { msgId: 'pay-1', headers: { traceparent: TRACEPARENT } },
      );
      dl.hostile = await deadLetter(
        'orders.created',
        { qty: -3, note: '<img src=x onerror=alert(1)>\u202e' },
        { msgId: 'order-3', headers: { 'X-Evil': '<script>alert(1)</script>' } },
      );
    });
    afterAll(async () => {
      await worker?.close();
    });

    describe('GET /api/dead-letters', () => {
      it('lists newest first with the fields of each dead letter', async () => {
        const res = await viewer.get<Page>('/api/dead-letters');
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(seqsOf(res.body)).toEqual([dl.hostile, dl.pay, dl.order2, dl.order1]);
        expect(res.body).toMatchObject({ next: null, scanned: 4, total: 4 });
        const pay = res.body.items[1];
        expect(pay).toEqual({
          seq: dl.pay,
          id: 'pay-1',
          msgId: 'pay-1',
          subject: 'pay.charge',
          stream: 'PAY',
          streamSeq: 1,
          durable: expect.any(String),
          handler: 'OrderJobs.charge',
          reason: 'error',
          error: 'NonRetryableError: card declined',
          attempts: 1,
          deadAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          traceId: TRACE_ID,
        });
        expect(res.body.items[3]).toMatchObject({
          id: 'order-1',
          traceId: null,
          error: 'NonRetryableError: bad qty -1',
        });
      });

      it.each([
        ['subject=pay.*', ['pay']],
        ['subject=orders.>', ['hostile', 'order2', 'order1']],
        ['subject=orders.created&error=QTY%20-2', ['order2']],
        ['error=card', ['pay']],
        ['reason=error', ['hostile', 'pay', 'order2', 'order1']],
        ['reason=decode', []],
        ['id=order-1', ['order1']],
        ['msgId=order-2', ['order2']],
        ['handler=OrderJobs.charge', ['pay']],
        ['q=PAY-1', ['pay']],
        ['q=bad%20qty', ['hostile', 'order2', 'order1']],
        ['since=2999-01-01T00:00:00Z', []],
        ['until=2000-01-01T00:00:00Z', []],
        ['since=2000-01-01T00:00:00Z&subject=pay.charge', ['pay']],
      ] as const)('filters by %s', async (query, names) => {
        const res = await viewer.get<Page>(`/api/dead-letters?${query}`);
        expect(res.status).toBe(200);
        expect(seqsOf(res.body)).toEqual(names.map((n) => dl[n]));
      });

      it('filters by durable consumer too (handler=<durable>)', async () => {
        const all = await viewer.get<Page>('/api/dead-letters?subject=pay.charge');
        const res = await viewer.get<Page>(`/api/dead-letters?handler=${all.body.items[0].durable}`);
        expect(seqsOf(res.body)).toEqual([dl.pay]);
      });

      it('pages newest first and oldest first with the cursor it returns', async () => {
        const first = await viewer.get<Page>('/api/dead-letters?limit=3');
        expect(seqsOf(first.body)).toEqual([dl.hostile, dl.pay, dl.order2]);
        expect(first.body.next).toBe(String(dl.order2 - 1));
        const second = await viewer.get<Page>(`/api/dead-letters?limit=3&cursor=${first.body.next}`);
        expect(seqsOf(second.body)).toEqual([dl.order1]);
        expect(second.body.next).toBeNull();

        const oldest = await viewer.get<Page>('/api/dead-letters?order=oldest&limit=2');
        expect(seqsOf(oldest.body)).toEqual([dl.order1, dl.order2]);
        expect(oldest.body.next).toBe(String(dl.order2 + 1));
        const rest = await viewer.get<Page>(
          `/api/dead-letters?order=oldest&limit=2&cursor=${oldest.body.next}`,
        );
        expect(seqsOf(rest.body)).toEqual([dl.pay, dl.hostile]);
        expect(rest.body.next).toBeNull();
      });

      it('refuses an unauthenticated caller with 401', async () => {
        expect((await t.anonymous.get('/api/dead-letters')).status).toBe(401);
        expect((await t.anonymous.get(`/api/dead-letters/${dl.pay}`)).status).toBe(401);
      });

      it.each([
        ['reason=nope', 'reason must be one of error, validation, decode, decrypt, max-deliveries'],
        ['since=yesterday', 'since must be an ISO-8601 date-time'],
        ['until=2024-13-01T00:00:00Z', 'until must be an ISO-8601 date-time'],
        ['limit=0', 'limit must be between 1 and 200'],
        ['limit=1000', 'limit must be between 1 and 200'],
        ['limit=ten', 'limit must be an integer'],
        ['cursor=abc', 'cursor must be the `next` value of a previous page'],
        ['order=sideways', 'order must be newest or oldest'],
        [
          'subject=orders..created',
          'subject must be a NATS subject or wildcard pattern (tokens without spaces; * and > whole tokens, > last)',
        ],
        [
          'subject=orders.>.x',
          'subject must be a NATS subject or wildcard pattern (tokens without spaces; * and > whole tokens, > last)',
        ],
        ['q=', 'q must be longer than or equal to 1 characters'],
        ['error=', 'error must be longer than or equal to 1 characters'],
        ['foo=1', 'property foo should not exist'],
      ])('answers 400 for %s', async (query, message) => {
        const res = await viewer.get<ErrorBody>(`/api/dead-letters?${query}`);
        expect(res.status).toBe(400);
        expect(res.body.message).toContain(message);
      });
    });

    describe('GET /api/dead-letters/:seq', () => {
      it('shows error, stack, headers and payload, untrusted text as inert strings', async () => {
        const res = await viewer.get<Record<string, unknown>>(`/api/dead-letters/${dl.hostile}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(res.body).toMatchObject({
          seq: dl.hostile,
          id: 'order-3',
          subject: 'orders.created',
          stream: 'ORDERS',
          reason: 'error',
          error: 'NonRetryableError: bad qty -3',
          attempts: 1,
          completed: false,
          payloadLocation: 'inline',
          // No Content-Type: jetbus sends none for JSON (the wire contract).
          headers: [['X-Evil', '<script>alert(1)</script>']],
          payload: {
            format: 'json',
            text: '{\n  "qty": -3,\n  "note": "<img src=x onerror=alert(1)>\\u202e"\n}',
            truncated: false,
            bytes: 51,
          },
          history: [],
        });
        expect((res.body.stack as string[])[0]).toMatch(/OrderJobs\.created/);
        // The page never carries markup: the body is JSON, the tag only a string inside it.
        expect(res.text).not.toMatch(/^\s*</);
      });

      it('shows the payload as a hex dump when asked', async () => {
        const res = await viewer.get<{ payload: { format: string; text: string } }>(
          `/api/dead-letters/${dl.order1}?format=hex`,
        );
        expect(res.body.payload).toEqual({
          format: 'hex',
          text: '00000000  7b 22 71 74 79 22 3a 2d  31 7d                    |{"qty":-1}|',
          truncated: false,
          bytes: 10,
        });
      });

      it('answers 404 for an unknown sequence and 400 for one that is not a sequence', async () => {
        const missing = await viewer.get<ErrorBody>('/api/dead-letters/999999');
        expect(missing.status).toBe(404);
        expect(missing.body).toEqual({
          statusCode: 404,
          error: 'NOT_FOUND',
          message: 'no dead letter 999999 in stream JETBUS_DLQ (already replayed or deleted?)',
          code: 'DEAD_LETTER_NOT_FOUND',
        });
        for (const bad of ['abc', '0', '-1', '1.5']) {
          const res = await viewer.get<ErrorBody>(`/api/dead-letters/${bad}`);
          expect(res.status).toBe(400);
          expect(res.body.message).toContain('seq must be a DLQ stream sequence (a positive integer)');
        }
        expect((await viewer.get<ErrorBody>(`/api/dead-letters/${dl.order1}?format=xml`)).status).toBe(400);
      });
    });

    describe('replay, edit and replay, delete', () => {
      it('refuses a viewer with 403 and a stranger with 401 on every change', async () => {
        const calls: [string, string, unknown][] = [
          ['post', `/api/dead-letters/${dl.order1}/replay`, undefined],
          ['post', `/api/dead-letters/${dl.order1}/edit-replay`, { payload: '{}' }],
          ['delete', `/api/dead-letters/${dl.order1}`, undefined],
          ['post', '/api/dead-letters/replay', { seqs: [dl.order1] }],
          ['post', '/api/dead-letters/purge', { all: true }],
        ];
        for (const [method, path, body] of calls) {
          const as = (c: ApiClient) => (method === 'post' ? c.post(path, body) : c.delete(path));
          expect([path, (await as(viewer)).status]).toEqual([path, 403]);
          expect([path, (await as(t.anonymous)).status]).toEqual([path, 401]);
        }
        expect(await dlqCount()).toBe(4);
      });

      it('replays one: the handler processes it, the entry is gone, the audit says who', async () => {
        OrderJobs.accepted.add(-1);
        const res = await operator.post(`/api/dead-letters/${dl.order1}/replay`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          seq: dl.order1,
          subject: 'orders.created',
          stream: 'ORDERS',
          streamSeq: expect.any(Number),
          duplicate: false,
        });
        await waitFor('the replayed job processed', () => OrderJobs.processed.some((j) => j.qty === -1));
        expect(OrderJobs.processed.filter((j) => j.qty === -1)).toEqual([{ qty: -1 }]);
        expect((await viewer.get(`/api/dead-letters/${dl.order1}`)).status).toBe(404);
        const audit = (await auditEntries(t.jsm)).filter((e) => e.target === `JETBUS_DLQ/${dl.order1}`);
        expect(audit).toEqual([
          {
            seq: expect.any(Number),
            at: expect.any(String),
            actor: 'operator-token',
            role: 'operator',
            via: 'token',
            action: 'dlq.replay',
            target: `JETBUS_DLQ/${dl.order1}`,
            before: { jobId: 'order-1', subject: 'orders.created' },
            result: 'ok',
            outcome: {
              stream: 'ORDERS',
              streamSeq: (res.body as { streamSeq: number }).streamSeq,
              duplicate: false,
            },
            ip: expect.any(String),
          },
        ]);
      });

      it('edits and replays: the handler gets the edited payload, the audit keeps before and after', async () => {
        const res = await operator.post(`/api/dead-letters/${dl.order2}/edit-replay`, {
          payload: '{"qty":2}',
        });
        expect(res.status).toBe(200);
        await waitFor('the edited job processed', () => OrderJobs.processed.some((j) => j.qty === 2));
        expect(OrderJobs.processed.filter((j) => Math.abs(j.qty) === 2)).toEqual([{ qty: 2 }]);
        expect((await viewer.get(`/api/dead-letters/${dl.order2}`)).status).toBe(404);
        const audit = (await auditEntries(t.jsm)).filter((e) => e.action === 'dlq.edit-replay');
        expect(audit).toEqual([
          expect.objectContaining({
            actor: 'operator-token',
            target: `JETBUS_DLQ/${dl.order2}`,
            result: 'ok',
            before: {
              jobId: 'order-2',
              subject: 'orders.created',
              payload: { encoding: 'utf8', payload: '{"qty":-2}', bytes: 10 },
            },
            after: { payload: { encoding: 'utf8', payload: '{"qty":2}', bytes: 9 } },
            outcome: { stream: 'ORDERS', streamSeq: expect.any(Number), duplicate: false },
          }),
        ]);
      });

      it('takes a base64 edit, and keeps the history of a job dead-lettered again under its job id', async () => {
        // The pay handler always fails: the edited job comes back as a new dead letter.
        const res = await operator.post(`/api/dead-letters/${dl.pay}/edit-replay`, {
          payload: Buffer.from('{"amount":8}').toString('base64'),
          encoding: 'base64',
        });
        expect(res.status).toBe(200);
        const again = await waitFor('dead-lettered again', async () => {
          const page = await viewer.get<Page>('/api/dead-letters?id=pay-1');
          return page.body.items[0]?.seq !== dl.pay ? page.body.items[0] : undefined;
        });
        const view = await viewer.get<{ payload: { text: string }; history: unknown[] }>(
          `/api/dead-letters/${again.seq}`,
        );
        expect(view.body.payload.text).toBe('{\n  "amount": 8\n}');
        expect(view.body.history).toEqual([
          {
            auditSeq: expect.any(Number),
            at: expect.any(String),
            actor: 'operator-token',
            action: 'dlq.edit-replay',
            target: `JETBUS_DLQ/${dl.pay}`,
            result: 'ok',
            before: {
              jobId: 'pay-1',
              subject: 'pay.charge',
              payload: { encoding: 'utf8', payload: '{"amount":7}', bytes: 12 },
            },
            after: { payload: { encoding: 'utf8', payload: '{"amount":8}', bytes: 12 } },
            outcome: { stream: 'PAY', streamSeq: expect.any(Number), duplicate: false },
          },
        ]);
        dl.pay = again.seq;
      });

      it.each([
        [{}, 'payload must be a string'],
        [{ payload: 1 }, 'payload must be a string'],
        [{ payload: '{}', encoding: 'hex' }, 'encoding must be utf8 or base64'],
        [{ payload: 'not base64!', encoding: 'base64' }, 'payload must be base64 (encoding is base64)'],
        [{ payload: '{}', extra: true }, 'property extra should not exist'],
      ])('answers 400 to the edit %p', async (body, message) => {
        const res = await operator.post<ErrorBody>(`/api/dead-letters/${dl.hostile}/edit-replay`, body);
        expect(res.status).toBe(400);
        expect(res.body.message).toContain(message);
      });

      it('answers 404 for an unknown sequence, and audits the attempt', async () => {
        for (const res of [
          await operator.post<ErrorBody>('/api/dead-letters/999999/replay'),
          await operator.post<ErrorBody>('/api/dead-letters/999999/edit-replay', { payload: '{}' }),
          await operator.delete<ErrorBody>('/api/dead-letters/999999'),
        ]) {
          expect(res.status).toBe(404);
          expect(res.body.code).toBe('DEAD_LETTER_NOT_FOUND');
        }
        const audit = (await auditEntries(t.jsm)).filter((e) => e.target === 'JETBUS_DLQ/999999');
        expect(audit.map((e) => [e.action, e.result, e.error])).toEqual([
          [
            'dlq.replay',
            'error',
            'no dead letter 999999 in stream JETBUS_DLQ (already replayed or deleted?)',
          ],
          [
            'dlq.edit-replay',
            'error',
            'no dead letter 999999 in stream JETBUS_DLQ (already replayed or deleted?)',
          ],
          [
            'dlq.delete',
            'error',
            'no dead letter 999999 in stream JETBUS_DLQ (already replayed or deleted?)',
          ],
        ]);
      });

      it('answers 409 when core refuses the target, and keeps the dead letter', async () => {
        const nowhere = await writeDeadLetter(t.js, { subject: 'nowhere.job', seq: 9001 });
        const system = await writeDeadLetter(t.js, { subject: '$JS.API.STREAM.DELETE.ORDERS', seq: 9002 });
        const a = await operator.post<ErrorBody>(`/api/dead-letters/${nowhere}/replay`);
        const b = await operator.post<ErrorBody>(`/api/dead-letters/${system}/edit-replay`, {
          payload: '{}',
        });
        expect([a.status, a.body.code]).toEqual([409, 'NO_STREAM_FOR_SUBJECT']);
        expect([b.status, b.body.code]).toEqual([409, 'REPLAY_TARGET']);
        expect((await viewer.get(`/api/dead-letters/${nowhere}`)).status).toBe(200);
        expect((await viewer.get(`/api/dead-letters/${system}`)).status).toBe(200);
        expect(await t.jsm.streams.info('ORDERS')).toBeDefined();
        const audit = (await auditEntries(t.jsm)).filter((e) => e.target === `JETBUS_DLQ/${system}`);
        expect(audit.map((e) => [e.action, e.result])).toEqual([['dlq.edit-replay', 'error']]);
        for (const seq of [nowhere, system])
          expect((await operator.delete(`/api/dead-letters/${seq}`)).status).toBe(200);
      });

      it('deletes one, audited', async () => {
        const seq = await deadLetter('orders.created', { qty: -50 }, { msgId: 'order-50' });
        const res = await operator.delete(`/api/dead-letters/${seq}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ deleted: true });
        expect((await viewer.get(`/api/dead-letters/${seq}`)).status).toBe(404);
        const audit = (await auditEntries(t.jsm)).filter((e) => e.target === `JETBUS_DLQ/${seq}`);
        expect(audit).toEqual([
          expect.objectContaining({
            action: 'dlq.delete',
            actor: 'operator-token',
            before: { jobId: 'order-50', subject: 'orders.created' },
            result: 'ok',
          }),
        ]);
      });
    });

    describe('bulk replay and purge', () => {
      it('plans, replays in the background with exact progress, and audits start and end', async () => {
        const bulk: number[] = [];
        for (const qty of [-100, -101, -102])
          bulk.push(await deadLetter('orders.created', { qty }, { msgId: `bulk${qty}` }));
        for (const qty of [-100, -101, -102]) OrderJobs.accepted.add(qty);
        const filter = { error: 'bad qty -10' };

        const plan = await operator.post('/api/dead-letters/replay', { filter, dryRun: true });
        expect(plan.status).toBe(202);
        expect(plan.body).toEqual({
          dryRun: true,
          total: 3,
          replayable: 3,
          wouldReplay: bulk.map((seq) => ({ seq, subject: 'orders.created', stream: 'ORDERS' })),
          kept: [],
        });
        expect(await dlqCount()).toBe(5);

        const started = await operator.post<{ replayId: string; total: number }>('/api/dead-letters/replay', {
          filter,
          ratePerSecond: 1000,
        });
        expect(started.status).toBe(202);
        expect(started.body).toEqual({ replayId: expect.stringMatching(/^[0-9a-f-]{36}$/), total: 3 });
        const { replayId } = started.body;
        const done = await waitFor('the replay done', async () => {
          const res = await viewer.get<{ state: string }>(`/api/dead-letters/replays/${replayId}`);
          return res.body.state !== 'running' ? res.body : undefined;
        });
        expect(done).toEqual({
          state: 'done',
          total: 3,
          replayed: 3,
          skipped: 0,
          failed: 0,
          startedAt: expect.any(String),
          finishedAt: expect.any(String),
          errors: [],
        });
        await waitFor(
          '3 bulk jobs processed',
          () => OrderJobs.processed.filter((j) => j.qty <= -100).length === 3,
        );
        expect(
          OrderJobs.processed
            .filter((j) => j.qty <= -100)
            .map((j) => j.qty)
            .sort(),
        ).toEqual([-100, -101, -102]);
        const search = await viewer.get<Page>('/api/dead-letters?error=bad%20qty%20-10');
        expect(search.body.items).toEqual([]);

        const audit = await waitFor('the end recorded', async () => {
          const entries = (await auditEntries(t.jsm)).filter(
            (e) => e.action === 'dlq.replay' && e.target === 'JETBUS_DLQ',
          );
          return entries.length === 2 ? entries : undefined;
        });
        const expectedFilter = { filter, ratePerSecond: 1000 };
        expect(audit.map((e) => [e.actor, e.filter, e.result, e.outcome])).toEqual([
          ['operator-token', expectedFilter, 'ok', { state: 'started', replayId, total: 3 }],
          [
            'operator-token',
            expectedFilter,
            'ok',
            { state: 'done', replayId, total: 3, replayed: 3, skipped: 0, failed: 0 },
          ],
        ]);
      });

      it('replays named seqs, reporting one that is gone', async () => {
        const seq = await deadLetter('orders.created', { qty: -200 }, { msgId: 'named-200' });
        OrderJobs.accepted.add(-200);
        const started = await operator.post<{ replayId: string; total: number }>('/api/dead-letters/replay', {
          seqs: [seq, 999999],
          ratePerSecond: 1000,
        });
        expect(started.body.total).toBe(2);
        const done = await waitFor('the replay done', async () => {
          const res = await viewer.get<{ state: string }>(
            `/api/dead-letters/replays/${started.body.replayId}`,
          );
          return res.body.state !== 'running' ? res.body : undefined;
        });
        expect(done).toMatchObject({
          state: 'done',
          total: 2,
          replayed: 1,
          skipped: 1,
          failed: 0,
          errors: [{ seq: 999999, message: 'skipped: not found (already replayed or deleted)' }],
        });
      });

      it.each([
        [{}, 'name dead letters (seqs), give a filter, or send {"all": true} to replay every dead letter'],
        [{ seqs: [] }, 'seqs must name at least one dead letter'],
        [{ seqs: [0] }, 'seqs must be DLQ stream sequences (positive integers)'],
        [{ seqs: ['1'] }, 'seqs must be DLQ stream sequences (positive integers)'],
        [
          { filter: { reason: 'bad' } },
          'filter.reason must be one of error, validation, decode, decrypt, max-deliveries',
        ],
        [{ filter: { since: 'now' } }, 'filter.since must be an ISO-8601 date-time'],
        [{ filter: { nope: 1 } }, 'filter.property nope should not exist'],
        [{ all: true, ratePerSecond: 0 }, 'ratePerSecond must be between 0.1 and 10000'],
        [{ all: 'yes' }, 'all must be a boolean value'],
        [{ all: true, extra: 1 }, 'property extra should not exist'],
      ])('answers 400 to the bulk replay %p', async (body, message) => {
        const res = await operator.post<ErrorBody>('/api/dead-letters/replay', body);
        expect(res.status).toBe(400);
        expect(res.body.message).toContain(message);
      });

      it('answers 404 for an unknown replay id and 400 for one that is not an id', async () => {
        expect(
          (await viewer.get('/api/dead-letters/replays/6f1c7a2e-4b7d-4c3e-9a51-0d3b2f1e8c47')).status,
        ).toBe(404);
        expect((await viewer.get('/api/dead-letters/replays/nope')).status).toBe(400);
      });

      it('purges by filter (audited with the count), and everything only with all: true', async () => {
        const before = (await viewer.get<Page>('/api/dead-letters')).body.items.map((i) => i.subject);
        expect(before).toEqual(['pay.charge', 'orders.created']);

        const empty = await operator.post<ErrorBody>('/api/dead-letters/purge', {});
        expect(empty.status).toBe(400);
        expect(empty.body.message).toBe(
          'an empty filter selects every dead letter: send {"all": true} to purge them all',
        );
        const bad = await operator.post<ErrorBody>('/api/dead-letters/purge', { filter: { subject: 'a b' } });
        expect(bad.status).toBe(400);

        const some = await operator.post('/api/dead-letters/purge', { filter: { subject: 'pay.*' } });
        expect([some.status, some.body]).toEqual([200, { purged: 1 }]);
        const rest = await operator.post('/api/dead-letters/purge', { all: true });
        expect([rest.status, rest.body]).toEqual([200, { purged: 1 }]);
        expect(await dlqCount()).toBe(0);

        const audit = (await auditEntries(t.jsm)).filter((e) => e.action === 'dlq.purge');
        expect(audit.map((e) => [e.actor, e.target, e.filter, e.result, e.outcome])).toEqual([
          ['operator-token', 'JETBUS_DLQ', { subject: 'pay.*' }, 'ok', { purged: 1 }],
          ['operator-token', 'JETBUS_DLQ', { all: true }, 'ok', { purged: 1 }],
        ]);
      });
    });
  });
});
