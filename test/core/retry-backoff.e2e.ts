import { Injectable } from '@nestjs/common';
import { Ctx, type JetbusContext, JobHandler, Payload } from '@jetbus/core';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

const attempts: { attempt: number; at: number }[] = [];
let completed = 0;

@Injectable()
class FlakyJobs {
  @JobHandler('flaky.run', { maxAttempts: 5, backoff: { type: 'list', delays: [300, 700] } })
  run(@Payload() _job: { id: string }, @Ctx() ctx: JetbusContext): void {
    attempts.push({ attempt: ctx.attempt, at: Date.now() });
    if (ctx.attempt < 3) throw new Error(`transient failure ${ctx.attempt}`);
    completed++;
  }
}

describe('retries with backoff', () => {
  const t = useJetbus(
    {
      name: 'svc',
      streams: [{ name: 'FLAKY', subjects: ['flaky.>'] }],
    },
    [FlakyJobs],
  );

  it('fails twice, succeeds on attempt 3, with redelivery gaps no shorter than the backoff', async () => {
    const ack = await t.bus.publish('flaky.run', { id: 'a' });
    await waitFor('third attempt', () => completed === 1);

    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // Lower bounds only (10 ms for timer granularity); never a tight upper bound.
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(300 - 10);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(700 - 10);

    const info = await waitFor('acked', async () => {
      const i = await t.connection.jsm.consumers.info('FLAKY', 'svc_flaky-run');
      return i.num_ack_pending === 0 ? i : undefined;
    });
    expect(info.ack_floor.stream_seq).toBe(ack.seq);
    expect(info.delivered.consumer_seq).toBe(3);

    const retries = t.logs.records.filter((r) => r.msg === 'job failed; will retry');
    expect(retries.map((r) => [r.subject, r.seq, r.attempt, r.retryInMs])).toEqual([
      ['flaky.run', ack.seq, 1, 300],
      ['flaky.run', ack.seq, 2, 700],
    ]);
  });
});
