import { Injectable } from '@nestjs/common';
import { IsInt } from 'class-validator';
import {
  Ctx,
  type DeadLetter,
  type JetbusContext,
  JobHandler,
  NonRetryableError,
  Payload,
} from '@jetbus/core';
import { readDeadLetters } from '../support/dead-letters';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

class Charge {
  @IsInt()
  cents!: number;
}

const completed: number[] = [];

@Injectable()
class PaymentJobs {
  @JobHandler('pay.charge', { maxAttempts: 3, backoff: { type: 'fixed', delay: 50 } })
  charge(@Payload() c: Charge, @Ctx() ctx: JetbusContext): void {
    if (c.cents < 0) throw new NonRetryableError('negative amount');
    if (c.cents === 13) throw new TypeError(`gateway down (attempt ${ctx.attempt})`);
    completed.push(c.cents);
  }
}

describe('dead letters: the live path', () => {
  const hooked: { seq: number; reason: string; dlqSeq: number }[] = [];
  const t = useJetbus(
    {
      name: 'pay',
      streams: [{ name: 'PAY', subjects: ['pay.>'], retention: 'workqueue' }],
      deadLetter: {
        onDeadLetter: (d: DeadLetter, dlqSeq: number) => {
          hooked.push({ seq: d.msg.info.streamSequence, reason: d.reason, dlqSeq });
        },
      },
    },
    [PaymentJobs],
  );

  it('stores each job that will not succeed in the DLQ with its reason and error, then removes the original', async () => {
    const bus = t.bus;
    const { js, jsm } = t.connection;
    await bus.publish('pay.charge', { cents: 100 });
    const nonRetryable = await bus.publish('pay.charge', { cents: -5 }, { headers: { 'X-Order': 'o-1' } });
    const exhausted = await bus.publish('pay.charge', { cents: 13 }, { msgId: 'charge-13' });
    const invalid = await bus.publish('pay.charge', { cents: 'lots' });
    const undecodable = await js.publish('pay.charge', new TextEncoder().encode('{oops'));

    await waitFor('4 dead letters and the stream emptied', async () => {
      const dlq = await jsm.streams.info('JETBUS_DLQ');
      const pay = await jsm.streams.info('PAY');
      return dlq.state.messages === 4 && pay.state.messages === 0;
    });
    expect(completed).toEqual([100]);

    const dead = await readDeadLetters(jsm);
    const bySeq = new Map(dead.map((d) => [d.seq, d]));
    expect(dead.map((d) => d.seq).sort((a, b) => a - b)).toEqual(
      [nonRetryable.seq, exhausted.seq, invalid.seq, undecodable.seq].sort((a, b) => a - b),
    );
    for (const d of dead) {
      expect(d).toMatchObject({
        dlqSubject: 'dlq.pay.charge',
        subject: 'pay.charge',
        stream: 'PAY',
        consumer: 'pay_pay-charge',
        handler: 'PaymentJobs.charge',
      });
      expect(Number.isNaN(Date.parse(d.headers['Jetbus-Dlq-Failed-At']))).toBe(false);
    }
    expect(bySeq.get(nonRetryable.seq)).toMatchObject({
      reason: 'error',
      attempts: 1,
      errorClass: 'NonRetryableError',
      errorMessage: 'negative amount',
      body: '{"cents":-5}',
    });
    // Original headers travel with the dead letter (for replay); Nats-* ones do not.
    expect(bySeq.get(nonRetryable.seq)!.headers['X-Order']).toBe('o-1');
    expect(bySeq.get(exhausted.seq)).toMatchObject({
      reason: 'error',
      attempts: 3,
      errorClass: 'TypeError',
      errorMessage: 'gateway down (attempt 3)',
    });
    expect(bySeq.get(exhausted.seq)!.headers['Jetbus-Dlq-Original-Msg-Id']).toBe('charge-13');
    // The original's own Nats-Msg-Id is replaced by the dead letter's dedup id.
    expect(bySeq.get(exhausted.seq)!.headers['Nats-Msg-Id']).toBe(`dlq:PAY:${exhausted.seq}`);
    expect(bySeq.get(exhausted.seq)!.headers['Jetbus-Dlq-Error-Stack']).toContain('charge');
    expect(bySeq.get(invalid.seq)).toMatchObject({
      reason: 'validation',
      attempts: 1,
      errorClass: 'InvalidPayloadError',
    });
    expect(bySeq.get(undecodable.seq)).toMatchObject({
      reason: 'decode',
      attempts: 1,
      errorClass: 'DecodeError',
    });

    // The hook ran once per dead letter, after it was stored.
    expect(hooked.map((h) => h.dlqSeq).sort()).toEqual(dead.map((d) => d.dlqSeq).sort());
  });

  it('naks the job when the DLQ cannot be written, and stores it once the DLQ is back', async () => {
    const bus = t.bus;
    const { jsm } = t.connection;
    const dlqConfig = (await jsm.streams.info('JETBUS_DLQ')).config;
    await jsm.streams.delete('JETBUS_DLQ');
    const poison = await bus.publish('pay.charge', { cents: -1 });

    // The write fails (no stream captures dlq.>), so the job stays in its stream, unacked, not lost.
    await waitFor('the job was delivered and handed back', async () => {
      const c = await jsm.consumers.info('PAY', 'pay_pay-charge');
      return c.delivered.stream_seq >= poison.seq;
    });
    expect((await jsm.streams.info('PAY')).state.messages).toBe(1);

    await jsm.streams.add(dlqConfig);
    await waitFor('dead-lettered after the DLQ returned', async () => {
      const dead = await readDeadLetters(jsm);
      return dead.length === 1 && dead[0].seq === poison.seq;
    });
    await waitFor('original removed', async () => (await jsm.streams.info('PAY')).state.messages === 0);
  });
});
