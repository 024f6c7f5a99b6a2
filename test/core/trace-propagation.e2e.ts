import { Injectable } from '@nestjs/common';
import { Ctx, type JetbusContext, JetbusClient, JobHandler, Payload, parseTraceparent } from '@jetbus/core';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

const seen: { id: string; traceparent: string | undefined }[] = [];

@Injectable()
class ChainJobs {
  constructor(private readonly bus: JetbusClient) {}

  @JobHandler('chain.first')
  async first(@Payload() job: { id: string }, @Ctx() ctx: JetbusContext): Promise<void> {
    await this.bus.publish('chain.second', job, { causedBy: ctx });
  }

  @JobHandler('chain.second', { maxAttempts: 2, backoff: { type: 'fixed', delay: 10 } })
  second(@Payload() job: { id: string }, @Ctx() ctx: JetbusContext): void {
    seen.push({ id: job.id, traceparent: ctx.header('traceparent') });
    if (ctx.attempt === 1) throw new Error('once');
  }
}

describe('trace context through a chain of jobs', () => {
  const t = useJetbus(
    {
      name: 'chain',
      streams: [{ name: 'CHAIN', subjects: ['chain.>'] }],
    },
    [ChainJobs],
  );

  it('continues the trace of a job in the jobs it causes, and logs its trace id', async () => {
    const root = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await t.app
      .get(JetbusClient)
      .publish('chain.first', { id: 'traced' }, { headers: { traceparent: root } });
    await t.bus.publish('chain.first', { id: 'untraced' });
    await waitFor('both second hops ran twice', () => seen.length === 4);

    const traced = seen.filter((s) => s.id === 'traced');
    const child = parseTraceparent(traced[0].traceparent)!;
    expect(child.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(child.spanId).not.toBe('00f067aa0ba902b7');
    expect(traced[1].traceparent).toBe(traced[0].traceparent);
    expect(seen.filter((s) => s.id === 'untraced').map((s) => s.traceparent)).toEqual([undefined, undefined]);

    const retries = t.logs.records.filter((r) => r.msg === 'job failed; will retry');
    expect(retries.map((r) => r.traceId).sort()).toEqual(['4bf92f3577b34da6a3ce929d0e0e4736', undefined]);
    const { jsm } = t.connection;
    await waitFor(
      'acked',
      async () => (await jsm.consumers.info('CHAIN', 'chain_chain-second')).num_ack_pending === 0,
    );
  });
});
