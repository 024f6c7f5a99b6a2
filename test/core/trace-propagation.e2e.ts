import { type INestApplicationContext, Injectable } from '@nestjs/common';
import {
  Ctx,
  type JetbusContext,
  JetbusClient,
  JetbusConnection,
  JobHandler,
  Payload,
  parseTraceparent,
} from '@jetbus/core';
import { NatsServer } from '@jetbus/testing';
import { captureLogs, startJetbusApp } from '../support/jetbus-app';
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
  let server: NatsServer;
  let app: INestApplicationContext;
  const logs = captureLogs();

  beforeAll(async () => {
    server = await NatsServer.start();
    app = await startJetbusApp(
      {
        servers: server.url,
        name: 'chain',
        logger: logs.logger,
        streams: [{ name: 'CHAIN', subjects: ['chain.>'] }],
      },
      [ChainJobs],
    );
  });
  afterAll(async () => {
    await app?.close();
    await server?.stop();
  });

  it('continues the trace of a job in the jobs it causes, and logs its trace id', async () => {
    const root = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await app.get(JetbusClient).publish('chain.first', { id: 'traced' }, { headers: { traceparent: root } });
    await app.get(JetbusClient).publish('chain.first', { id: 'untraced' });
    await waitFor('both second hops ran twice', () => seen.length === 4);

    const traced = seen.filter((s) => s.id === 'traced');
    const child = parseTraceparent(traced[0].traceparent)!;
    expect(child.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(child.spanId).not.toBe('00f067aa0ba902b7');
    expect(traced[1].traceparent).toBe(traced[0].traceparent);
    expect(seen.filter((s) => s.id === 'untraced').map((s) => s.traceparent)).toEqual([undefined, undefined]);

    const retries = logs.records.filter((r) => r.msg === 'job failed; will retry');
    expect(retries.map((r) => r.traceId).sort()).toEqual(['4bf92f3577b34da6a3ce929d0e0e4736', undefined]);
    const { jsm } = app.get(JetbusConnection);
    await waitFor(
      'acked',
      async () => (await jsm.consumers.info('CHAIN', 'chain_chain-second')).num_ack_pending === 0,
    );
  });
});
