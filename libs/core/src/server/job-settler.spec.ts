import { type JsMsg } from '@nats-io/jetstream';
import pino from 'pino';
import { type DeadLetter, DeadLetterSink } from '../dead-letter';
import { InvalidPayloadError, NonRetryableError } from '../errors';
import { resolveJobHandlerOptions } from '../handlers/resolve-job-handler-options';
import { JetbusMetrics } from '../observability/jetbus-metrics';
import { createBackoff } from '../retry';
import { type CompletedJobs } from './completed-jobs';
import { DeliveryTriage, type Lane } from './delivery-triage';
import { DEAD_LETTER_RETRY_MS, JobSettler } from './job-settler';
import { type PreparedHandler } from './prepared-handler';
import { AckBatch } from './ack-batch';

/** A delivered message that records what was done to it: the settlement unit's whole interface. */
function fakeMsg(deliveryCount = 1) {
  const calls: string[] = [];
  const msg = {
    subject: 'orders.created',
    seq: 42,
    data: new Uint8Array(0),
    headers: undefined,
    info: { deliveryCount, stream: 'ORDERS', streamSequence: 42, consumer: 'svc_orders-created' },
    ack: () => void calls.push('ack'),
    ackAck: () => (calls.push('ackAck'), Promise.resolve(true)),
    nak: (delay?: number) => void calls.push(delay === undefined ? 'nak' : `nak ${delay}`),
    term: () => void calls.push('term'),
    working: () => void calls.push('working'),
  };
  return { msg: msg as unknown as JsMsg, calls };
}

class RecordingSink extends DeadLetterSink {
  written: DeadLetter[] = [];
  failing = false;
  async write(deadLetter: DeadLetter): Promise<void> {
    if (this.failing) throw new Error('DLQ unavailable');
    this.written.push(deadLetter);
  }
}

function setup(options: object = {}, completed?: Partial<CompletedJobs>, acks?: AckBatch) {
  const o = resolveJobHandlerOptions('orders.created', 'svc', { maxAttempts: 3, ...options }, {}, 'Jobs.run');
  const metrics = new JetbusMetrics();
  const handler: PreparedHandler = {
    name: 'Jobs.run',
    subject: 'orders.created',
    stream: 'ORDERS',
    options: o,
    invoke: () => Promise.resolve(),
    validator: undefined,
    backoff: createBackoff({ type: 'list', delays: [100, 200] }, 'backoff'),
    metrics: metrics.forHandler('Jobs.run', 'orders.created'),
    ...(completed ? { completed: completed as CompletedJobs } : {}),
  };
  const sink = new RecordingSink();
  // No ledger: the unit under test is the settlement, not the triage (see delivery-triage).
  const settler = new JobSettler(
    handler,
    new DeliveryTriage(undefined, 0, o.maxAttempts),
    sink,
    pino({ level: 'silent' }),
    undefined,
    acks,
  );
  const count = async (outcome: string) =>
    (await metrics.registry.getSingleMetric('jetbus_jobs_total')!.get()).values.find(
      (v) => v.labels.outcome === outcome,
    )?.value ?? 0;
  return { settler, sink, count };
}

const shared = (attempt: number): Lane => ({ kind: 'shared', attempt });

describe('JobSettler', () => {
  describe('succeeded', () => {
    it('acks once and counts it', async () => {
      const { settler, count } = setup();
      const { msg, calls } = fakeMsg();
      await settler.succeeded(msg, shared(1), undefined);
      expect(calls).toEqual(['ack']);
      expect(await count('acked')).toBe(1);
    });

    it('waits for the server to confirm the ack with confirmAck', async () => {
      const { settler } = setup({ confirmAck: true });
      const { msg, calls } = fakeMsg();
      await settler.succeeded(msg, shared(1), undefined);
      expect(calls).toEqual(['ackAck']);
    });

    it('records the completed job key before the ack (idempotency)', async () => {
      const order: string[] = [];
      const { settler } = setup({ idempotency: {} }, { add: async (id) => void order.push(`add ${id}`) });
      const { msg, calls } = fakeMsg();
      await settler.succeeded(msg, shared(1), 'job-1');
      order.push(...calls);
      expect(order).toEqual(['add job-1', 'ack']);
    });
  });

  describe('failed', () => {
    it('naks with the backoff of the attempt while attempts are left', async () => {
      const { settler, count } = setup();
      const first = fakeMsg();
      await settler.failed(first.msg, shared(1), new Error('down'));
      const second = fakeMsg(2);
      await settler.failed(second.msg, shared(2), new Error('down'));
      expect([first.calls, second.calls]).toEqual([['nak 100'], ['nak 200']]);
      expect(await count('retried')).toBe(2);
    });

    it('dead-letters with reason error on the last attempt, then terminates', async () => {
      const { settler, sink, count } = setup();
      const { msg, calls } = fakeMsg(3);
      const error = new Error('still down');
      await settler.failed(msg, shared(3), error);
      expect(sink.written).toMatchObject([{ reason: 'error', error, handler: 'Jobs.run' }]);
      expect(calls).toEqual(['term']);
      expect(await count('dead_lettered')).toBe(1);
    });

    it.each([
      ['validation', new InvalidPayloadError('orders.created', 'Order', [])],
      ['error', new NonRetryableError('card declined')],
    ])('dead-letters a non-retryable error at once, as %s', async (reason, error) => {
      const { settler, sink } = setup();
      const { msg, calls } = fakeMsg();
      await settler.failed(msg, shared(1), error);
      expect(sink.written).toMatchObject([{ reason }]);
      expect(calls).toEqual(['term']);
    });

    it('naks the job to try again later when the dead letter cannot be written: never terminated unrecorded', async () => {
      const { settler, sink } = setup();
      sink.failing = true;
      const { msg, calls } = fakeMsg(3);
      await settler.failed(msg, shared(3), new Error('down'));
      expect(calls).toEqual([`nak ${DEAD_LETTER_RETRY_MS}`]);
    });

    it('counts the attempt from the lane, not from the delivery count, under isolation', async () => {
      const { settler } = setup();
      // Delivered 5 times (a worker died with it twice), but failed only once.
      const { msg, calls } = fakeMsg(5);
      await settler.failed(msg, shared(2), new Error('down'));
      expect(calls).toEqual(['nak 200']);
    });
  });

  describe('culprit', () => {
    const culprit: Lane = { kind: 'culprit', key: 'k', crashes: 2 };

    it('dead-letters it as max-deliveries without running it', async () => {
      const { settler, sink } = setup();
      const { msg, calls } = fakeMsg(4);
      await settler.culprit(msg, culprit as Extract<Lane, { kind: 'culprit' }>);
      expect(sink.written).toMatchObject([{ reason: 'max-deliveries' }]);
      expect(String((sink.written[0].error as Error).message)).toMatch(/2 times while running alone/);
      expect(calls).toEqual(['term']);
    });

    it('acks it instead when idempotency knows it completed', async () => {
      const { settler, sink, count } = setup({ idempotency: {} }, { has: () => Promise.resolve(true) });
      const { msg, calls } = fakeMsg(4);
      await settler.culprit(msg, culprit as Extract<Lane, { kind: 'culprit' }>);
      expect(sink.written).toEqual([]);
      expect(calls).toEqual(['ack']);
      expect(await count('skipped_completed')).toBe(1);
    });
  });

  it('alreadyCompleted acks without running, and counts it', async () => {
    const { settler, count } = setup({ idempotency: {} });
    const { msg, calls } = fakeMsg(2);
    settler.alreadyCompleted(msg, shared(1), 'job-1');
    expect(calls).toEqual(['ack']);
    expect(await count('skipped_completed')).toBe(1);
  });

  describe('with an AckBatch', () => {
    it('alreadyCompleted acks with the jobs that finish with it, and before any other callback runs', async () => {
      const { settler } = setup({ idempotency: {} }, undefined, new AckBatch(pino({ level: 'silent' })));
      const skipped = fakeMsg(2);
      const ran = fakeMsg();
      const sent = () => skipped.calls.length + ran.calls.length;
      const events: string[] = [];
      // Two timers due in the same turn: the first finishes two jobs, the second could kill the process.
      await new Promise<void>((done) => {
        setTimeout(() => {
          settler.alreadyCompleted(skipped.msg, shared(1), 'job-1');
          void settler.succeeded(ran.msg, shared(1), undefined);
          events.push(`acks sent at once: ${sent()}`);
        }, 1);
        setTimeout(() => {
          events.push(`acks sent before the next timer: ${sent()}`);
          done();
        }, 1);
      });
      expect(events).toEqual(['acks sent at once: 0', 'acks sent before the next timer: 2']);
      expect([skipped.calls, ran.calls]).toEqual([['ack'], ['ack']]);
    });
  });

  it('release naks for another instance to take it at once', async () => {
    const { settler } = setup();
    const { msg, calls } = fakeMsg();
    await settler.release(msg, shared(1));
    expect(calls).toEqual(['nak']);
  });
});
