import { type INestApplicationContext, Injectable } from '@nestjs/common';
import { Ctx, type JetbusContext, JetbusClient, JobHandler, Payload } from '@jetbus/core';
import { startJetbusApp, uniqueName } from '../support/jetbus-app';
import { useNats } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

/** Work that stops when the job's signal aborts, as a well-behaved handler does. */
const work = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason as Error);
    });
  });

const state = { workMs: 0, started: [] as string[], completed: [] as string[], trace: [] as string[] };
/** `slow.late` jobs: held until the test lets them read their signal, and what they found then. */
const late = { held: new Map<string, () => void>(), found: new Map<string, string>() };

@Injectable()
class SlowJobs {
  @JobHandler('slow.job', { concurrency: 4 })
  async run(@Payload() job: { id: string }, @Ctx() ctx: JetbusContext): Promise<void> {
    state.started.push(job.id);
    state.trace.push(`${Date.now() % 100000} start ${job.id} attempt=${ctx.attempt}`);
    await work(state.workMs, ctx.signal);
    state.completed.push(job.id);
  }

  /** Takes its context but reads the signal only when the test says so (after the shutdown). */
  @JobHandler('slow.late')
  async late(@Payload() job: { id: string }, @Ctx() ctx: JetbusContext): Promise<void> {
    state.started.push(job.id);
    if (state.workMs === 0) {
      state.completed.push(job.id);
      return;
    }
    await new Promise<void>((r) => late.held.set(job.id, r));
    const { signal } = ctx;
    late.found.set(job.id, signal.aborted ? (signal.reason as Error).name : 'not aborted');
  }
}

describe('shutdown during in-flight work', () => {
  const t = useNats();

  const start = (stream: string, graceMs: number): Promise<INestApplicationContext> =>
    startJetbusApp(
      {
        servers: t.server.url,
        name: 'slow',
        logger: false,
        shutdownGracePeriod: graceMs,
        streams: [{ name: stream, subjects: ['slow.>'], retention: 'workqueue' }],
      },
      [SlowJobs],
    );

  beforeEach(() => {
    state.started = [];
    state.completed = [];
  });

  it('lets in-flight jobs finish within the grace period and hands the rest back', async () => {
    const stream = uniqueName('SLOW');
    state.workMs = 300;
    const first = await start(stream, 10_000);
    const ids = Array.from({ length: 12 }, (_, i) => `g-${i}`);
    await first.get(JetbusClient).publishMany(ids.map((id) => ({ subject: 'slow.job', data: { id } })));
    await waitFor('4 jobs in flight', () => state.started.length >= 4);
    await first.close();
    const finishedByFirst = [...state.completed];
    // Every job the first instance started, it finished (grace > work time).
    expect(new Set(finishedByFirst)).toEqual(new Set(state.started));

    state.workMs = 0;
    const second = await start(stream, 10_000);
    await waitFor('every job completed', () => new Set(state.completed).size === ids.length);
    await second.close();
    expect(new Set(state.completed)).toEqual(new Set(ids));
    // Nothing ran twice: finished jobs were acked before the connection closed.
    expect(state.completed).toHaveLength(ids.length);
    await t.jsm.streams.delete(stream);
  });

  it('a handler that reads ctx.signal only after the shutdown finds it aborted; its job runs again elsewhere', async () => {
    const stream = uniqueName('SLOW');
    state.workMs = 60_000;
    const first = await start(stream, 200);
    await first.get(JetbusClient).publish('slow.late', { id: 'late-1' });
    await waitFor('the job is held', () => late.held.get('late-1'));
    await first.close();
    late.held.get('late-1')!();
    await waitFor('the handler read its signal', () => late.found.get('late-1'));
    expect(late.found.get('late-1')).toBe('ShutdownAbort');

    state.workMs = 0;
    const second = await start(stream, 10_000);
    // Nak'ed at shutdown: back at once, not after ack_wait.
    await waitFor('the job completed', () => state.completed.includes('late-1'), 15_000);
    await second.close();
    await t.jsm.streams.delete(stream);
  });

  it('aborts jobs still running when the grace period ends and naks them: none lost', async () => {
    const stream = uniqueName('SLOW');
    state.workMs = 60_000;
    const first = await start(stream, 200);
    const ids = Array.from({ length: 10 }, (_, i) => `a-${i}`);
    await first.get(JetbusClient).publishMany(ids.map((id) => ({ subject: 'slow.job', data: { id } })));
    await waitFor('4 jobs in flight', () => state.started.length >= 4);
    await first.close();
    expect(state.completed).toEqual([]);

    state.workMs = 0;
    const second = await start(stream, 10_000);
    // Nak'ed jobs come back at once, not after ack_wait (30 s): the wait below would time out.
    await waitFor('every job completed', () => new Set(state.completed).size === ids.length, 15_000);
    await second.close();
    expect(new Set(state.completed)).toEqual(new Set(ids));
    await t.jsm.streams.delete(stream);
  });
});
