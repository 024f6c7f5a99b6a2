import { Injectable } from '@nestjs/common';
import { Ctx, type JetbusContext, JobHandler, Payload } from '@jetbus/core';
import { readDeadLetters } from '../support/dead-letters';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

const runs: { id: string; attempt: number; aborted?: string }[] = [];

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason as Error);
    });
  });

@Injectable()
class LongJobs {
  /** Runs three times its ackWait: heartbeats must keep the server from redelivering it. */
  @JobHandler('long.report', { ackWait: '1s', maxAttempts: 2 })
  async report(@Payload() job: { id: string }, @Ctx() ctx: JetbusContext): Promise<void> {
    runs.push({ id: job.id, attempt: ctx.attempt });
    await sleep(3_000);
  }

  /** Never finishes by itself: the timeout aborts it through ctx.signal, and it counts as failed. */
  @JobHandler('long.stuck', { timeout: 300, maxAttempts: 2, backoff: { type: 'fixed', delay: 50 } })
  async stuck(@Payload() job: { id: string }, @Ctx() ctx: JetbusContext): Promise<void> {
    runs.push({ id: job.id, attempt: ctx.attempt });
    try {
      await sleep(60_000, ctx.signal);
    } catch (e) {
      runs.push({ id: job.id, attempt: ctx.attempt, aborted: (e as Error).name });
      throw e;
    }
  }
}

describe('long-running jobs', () => {
  const t = useJetbus({ name: 'long', streams: [{ name: 'LONG', subjects: ['long.>'] }] }, [LongJobs]);

  it('keeps a job that outlives ackWait alive with working() heartbeats: delivered once', async () => {
    await t.bus.publish('long.report', { id: 'r1' });
    const { jsm } = t.connection;
    const info = await waitFor('acked', async () => {
      const c = await jsm.consumers.info('LONG', 'long_long-report');
      return c.delivered.consumer_seq === 1 && c.num_ack_pending === 0 ? c : undefined;
    });
    expect(info.num_redelivered).toBe(0);
    expect(runs.filter((r) => r.id === 'r1')).toEqual([{ id: 'r1', attempt: 1 }]);
  });

  it('aborts a handler past its timeout through ctx.signal and retries, then dead-letters', async () => {
    const ack = await t.bus.publish('long.stuck', { id: 's1' });
    const { jsm } = t.connection;
    const dead = await waitFor('dead-lettered', async () => {
      const d = await readDeadLetters(jsm);
      return d.find((x) => x.seq === ack.seq);
    });
    expect(dead).toMatchObject({ reason: 'error', attempts: 2, errorClass: 'JobTimeoutError' });
    expect(runs.filter((r) => r.id === 's1')).toEqual([
      { id: 's1', attempt: 1 },
      { id: 's1', attempt: 1, aborted: 'JobTimeoutError' },
      { id: 's1', attempt: 2 },
      { id: 's1', attempt: 2, aborted: 'JobTimeoutError' },
    ]);
  });
});
