import { Injectable } from '@nestjs/common';
import { CANCELLED_BUCKET, Ctx, type JetbusContext, JetbusServer, JobHandler, Payload } from '@jetbus/core';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

const MAX_IN_MEMORY = 100;
const FILLER = 50_000;

/** Every run: the payload id, and how its signal ended (the abort reason's class). */
const runs: { id: string; abortedWith?: string }[] = [];
const runsOf = (id: string) => runs.filter((r) => r.id === id);
const gates = new Map<string, () => void>();

@Injectable()
class BoundedJobs {
  /** One at a time: a `gate` job holds the handler so the jobs behind it stay queued. */
  @JobHandler('cb.queue', { concurrency: 1, prefetch: 1 })
  async queue(@Payload() job: { id: string; gate?: boolean }): Promise<void> {
    runs.push({ id: job.id });
    if (job.gate) await new Promise<void>((r) => gates.set(job.id, r));
  }

  @JobHandler('cb.run')
  async run(@Payload() job: { id: string }, @Ctx() ctx: JetbusContext): Promise<void> {
    const run: { id: string; abortedWith?: string } = { id: job.id };
    runs.push(run);
    run.abortedWith = await new Promise<string>((resolve) =>
      ctx.signal.addEventListener('abort', () => resolve((ctx.signal.reason as Error).name), { once: true }),
    );
  }
}

/** What the test reads of the worker's watch (a private member of JetbusServer). */
interface WatchView {
  readonly size: number;
  complete(): boolean;
  get(key: string): unknown;
}

describe('cancellation with more open requests than a worker keeps in memory (real nats-server)', () => {
  const t = useJetbus(
    {
      name: 'cb',
      cancellation: { maxInMemory: MAX_IN_MEMORY },
      streams: [{ name: 'CB', subjects: ['cb.>'], retention: 'limits' }],
    },
    [BoundedJobs],
  );
  const watch = () => (t.app.get(JetbusServer) as unknown as { cancelWatch: WatchView }).cancelWatch;

  it(`holds ${MAX_IN_MEMORY} of ${FILLER} requests; a queued job whose request it dropped is still termed, a running one aborted`, async () => {
    await t.bus.publish('cb.queue', { id: 'gate', gate: true });
    await waitFor('the gate runs', () => gates.get('gate'), 10_000);
    // The oldest request: the first the worker drops from memory.
    expect(await t.bus.cancel('q-oldest')).toMatchObject({ outcome: 'requested' });
    await t.bus.publish('cb.queue', { id: 'q-oldest' }, { jobId: 'q-oldest' });
    await t.bus.publish('cb.queue', { id: 'q-kept' }, { jobId: 'q-kept' });

    // Requests for jobs that never come (too late, or no such job), as the bucket keeps them for days.
    const requestedAt = new Date().toISOString();
    for (let i = 0; i < FILLER; i++) {
      const jobId = `gone-${i}`;
      t.nc.publish(
        `$KV.${CANCELLED_BUCKET}.${jobId}`,
        JSON.stringify({ jobId, state: 'requested', requestedAt }),
      );
    }
    await t.nc.flush();
    await waitFor('the worker saw every request', () => watch().get(`gone-${FILLER - 1}`), 60_000);
    expect(watch().size).toBe(MAX_IN_MEMORY);
    expect(watch().complete()).toBe(false);
    expect(watch().get('q-oldest')).toBeUndefined();

    gates.get('gate')!();
    await waitFor('q-kept (published after q-oldest) ran', () => runsOf('q-kept').length === 1, 15_000);
    await waitFor(
      'the outcome of q-oldest is recorded',
      async () => (await t.bus.cancellation('q-oldest'))?.state === 'cancelled',
      10_000,
    );
    expect(await t.bus.cancellation('q-oldest')).toMatchObject({ while: 'queued', deadLettered: false });
    expect(runsOf('q-oldest')).toEqual([]);

    await t.bus.publish('cb.run', { id: 'r-1' }, { jobId: 'r-1' });
    await waitFor('r-1 runs', () => runsOf('r-1').length === 1, 10_000);
    await t.bus.cancel('r-1');
    await waitFor(
      'the outcome of r-1 is recorded',
      async () => (await t.bus.cancellation('r-1'))?.state === 'cancelled',
      10_000,
    );
    expect(await t.bus.cancellation('r-1')).toMatchObject({ while: 'running' });
    expect(runsOf('r-1')).toEqual([{ id: 'r-1', abortedWith: 'JobCancelledError' }]);
    expect(watch().size).toBeLessThanOrEqual(MAX_IN_MEMORY);
  }, 90_000);
});
