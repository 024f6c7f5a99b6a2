import { Injectable } from '@nestjs/common';
import { Kvm } from '@nats-io/kv';
import {
  CANCELLED_BUCKET,
  Ctx,
  type JetbusContext,
  JetbusConfigError,
  JetbusMetrics,
  JobHandler,
  Payload,
  UNIQUE_BUCKET,
} from '@jetbus/core';
import { readDeadLetters } from '../support/dead-letters';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

/** Every run: the payload id, and how its signal ended (the abort reason's class). */
const runs: { id: string; abortedWith?: string }[] = [];
const runsOf = (id: string) => runs.filter((r) => r.id === id);
const gates = new Map<string, () => void>();

const abortedWith = (signal: AbortSignal) =>
  new Promise<string>((resolve) =>
    signal.addEventListener('abort', () => resolve((signal.reason as Error).name), { once: true }),
  );

@Injectable()
class CancellableJobs {
  /** One at a time: a `gate` job holds the handler so the jobs behind it stay queued. */
  @JobHandler('cx.queue', { concurrency: 1, prefetch: 1 })
  async queue(@Payload() job: { id: string; gate?: boolean }): Promise<void> {
    runs.push({ id: job.id });
    if (job.gate) await new Promise<void>((r) => gates.set(job.id, r));
  }

  /**
   * Runs until cancelled, then misbehaves as told: `throw` (would be a retry), `return` (would be an
   * ack) or `hang` (never ends). Retries are fast, so one would show up quickly.
   */
  @JobHandler('cx.run', { concurrency: 4, backoff: { type: 'fixed', delay: '50ms' } })
  async run(@Payload() job: { id: string; then: 'throw' | 'return' | 'hang' }, @Ctx() ctx: JetbusContext) {
    const run: { id: string; abortedWith?: string } = { id: job.id };
    runs.push(run);
    run.abortedWith = await abortedWith(ctx.signal);
    if (job.then === 'throw') throw new Error('failed after the abort');
    if (job.then === 'hang') await new Promise(() => undefined);
  }

  /**
   * Takes its context but reads the signal only once the test opens its gate, after the job was
   * already settled as cancelled: the signal it gets then must already be aborted.
   */
  @JobHandler('cx.late', { backoff: { type: 'fixed', delay: '50ms' } })
  async late(@Payload() job: { id: string }, @Ctx() ctx: JetbusContext): Promise<void> {
    const run: { id: string; abortedWith?: string } = { id: job.id };
    runs.push(run);
    await new Promise<void>((r) => gates.set(job.id, r));
    const { signal } = ctx;
    run.abortedWith = signal.aborted ? (signal.reason as Error).name : 'not aborted';
  }

  @JobHandler('cx.dl', { deadLetterCancelled: true, backoff: { type: 'fixed', delay: '50ms' } })
  async deadLettered(@Payload() job: { id: string }, @Ctx() ctx: JetbusContext): Promise<void> {
    const run: { id: string; abortedWith?: string } = { id: job.id };
    runs.push(run);
    run.abortedWith = await abortedWith(ctx.signal);
    throw new Error('failed after the abort');
  }
}

describe('cancellation of queued, running and scheduled jobs (real nats-server)', () => {
  const t = useJetbus(
    {
      name: 'cx',
      cancellation: {},
      scheduling: {},
      streams: [{ name: 'CX', subjects: ['cx.>'], retention: 'limits' }],
    },
    [CancellableJobs],
  );

  /** Nothing of the handler's consumer is pending or unacked (so nothing will be retried). */
  const settled = async (durable: string) => {
    const names = await t.jsm.consumers.list('CX').next();
    const c = names.find((n) => n.name.endsWith(durable))!;
    const info = await t.jsm.consumers.info('CX', c.name);
    return info.num_pending === 0 && info.num_ack_pending === 0;
  };

  /** Resolves once this connection's own watch of the bucket has seen `jobId`'s request. */
  async function requestVisible(jobId: string): Promise<void> {
    const kv = await new Kvm(t.js).open(CANCELLED_BUCKET);
    await waitFor(`the request of ${jobId}`, async () => (await kv.get(jobId))?.operation === 'PUT', 10_000);
  }

  it('a queued job cancelled (by jobId, and by <stream>:<seq>) never runs; its outcome is recorded', async () => {
    await t.bus.publish('cx.queue', { id: 'gate', gate: true });
    await waitFor('the gate runs', () => gates.get('gate'), 10_000);
    const byId = await t.bus.publish(
      'cx.queue',
      { id: 'q1' },
      { jobId: 'q1', unique: { key: 'q1-key', for: '60s', until: 'completed' } },
    );
    const bySeq = await t.bus.publish('cx.queue', { id: 'q2' });
    const kept = await t.bus.publish('cx.queue', { id: 'q3' }, { jobId: 'q3' });
    expect(byId.unique.acquired).toBe(true);

    expect(await t.bus.cancel('q1')).toMatchObject({ jobId: 'q1', outcome: 'requested' });
    expect(await t.bus.cancel(`CX:${bySeq.seq}`)).toMatchObject({ outcome: 'requested' });
    await requestVisible('q1');
    gates.get('gate')!();
    await waitFor('q3 (published after both) ran', () => runsOf('q3').length === 1, 15_000);
    await waitFor('the queue is settled', () => settled('queue'), 10_000);

    expect(runsOf('q1')).toEqual([]);
    expect(runsOf('q2')).toEqual([]);
    expect(kept.seq).toBeGreaterThan(bySeq.seq);
    expect(await t.bus.cancellation('q1')).toMatchObject({
      state: 'cancelled',
      while: 'queued',
      deadLettered: false,
    });
    expect(await t.bus.cancellation(`CX:${bySeq.seq}`)).toMatchObject({
      state: 'cancelled',
      while: 'queued',
    });
    // Repeating the cancel reports the outcome; the unique key was freed by the cancel.
    expect(await t.bus.cancel('q1')).toMatchObject({ outcome: 'cancelled' });
    const unique = await new Kvm(t.js).open(UNIQUE_BUCKET);
    expect((await unique.get('q1-key'))?.operation).toBe('DEL');
  }, 40_000);

  it.each(['throw', 'return', 'hang'] as const)(
    'a running job cancelled (the handler then does "%s"): its signal aborts with JobCancelledError, it is termed: not retried, not acked, not dead-lettered',
    async (then) => {
      const id = `run-${then}`;
      const metrics = t.app.get(JetbusMetrics);
      await t.bus.publish('cx.run', { id, then }, { jobId: id });
      await waitFor('the job runs', () => runsOf(id).length === 1, 10_000);
      const dlqBefore = (await readDeadLetters(t.jsm)).length;

      expect((await t.bus.cancel(id)).outcome).toMatch(/^(requested|cancelled)$/);
      await waitFor(
        'the outcome is recorded',
        async () => (await t.bus.cancellation(id))?.state === 'cancelled',
        10_000,
      );
      expect(await t.bus.cancellation(id)).toMatchObject({
        jobId: id,
        while: 'running',
        handler: 'CancellableJobs.run',
      });
      expect(runsOf(id)).toEqual([{ id, abortedWith: 'JobCancelledError' }]);
      await waitFor('nothing pending or unacked', () => settled('run'), 10_000);
      // A retry (50 ms backoff) would be pending again; a second run would show here.
      await t.bus.publish('cx.run', { id: `${id}-sentinel`, then: 'return' }, { jobId: `${id}-sentinel` });
      await waitFor('the sentinel runs', () => runsOf(`${id}-sentinel`).length === 1, 10_000);
      await t.bus.cancel(`${id}-sentinel`);
      await waitFor('nothing pending or unacked', () => settled('run'), 10_000);
      expect(runsOf(id)).toHaveLength(1);
      expect(await readDeadLetters(t.jsm)).toHaveLength(dlqBefore);
      const text = await metrics.registry.metrics();
      expect(text).toMatch(
        /jetbus_jobs_total\{[^}]*handler="CancellableJobs.run"[^}]*outcome="cancelled"\} [1-9]/,
      );
    },
    30_000,
  );

  it('a running job whose handler reads ctx.signal only after the cancel finds it aborted with JobCancelledError', async () => {
    await t.bus.publish('cx.late', { id: 'late-1' }, { jobId: 'late-1' });
    await waitFor('the job runs', () => gates.get('late-1'), 10_000);
    await t.bus.cancel('late-1');
    await waitFor(
      'the outcome is recorded',
      async () => (await t.bus.cancellation('late-1'))?.state === 'cancelled',
      10_000,
    );
    expect(runsOf('late-1')).toEqual([{ id: 'late-1' }]);
    gates.get('late-1')!();
    await waitFor('the handler read its signal', () => runsOf('late-1')[0].abortedWith, 10_000);
    expect(runsOf('late-1')).toEqual([{ id: 'late-1', abortedWith: 'JobCancelledError' }]);
    await waitFor('nothing pending or unacked', () => settled('late'), 10_000);
  }, 30_000);

  it('with deadLetterCancelled a cancelled running job is dead-lettered once (JobCancelledError), not retried', async () => {
    await t.bus.publish('cx.dl', { id: 'dl-1' }, { jobId: 'dl-1' });
    await waitFor('the job runs', () => runsOf('dl-1').length === 1, 10_000);
    await t.bus.cancel('dl-1');
    await waitFor(
      'the outcome is recorded',
      async () => (await t.bus.cancellation('dl-1'))?.state === 'cancelled',
      10_000,
    );
    expect(await t.bus.cancellation('dl-1')).toMatchObject({ while: 'running', deadLettered: true });
    await waitFor('nothing pending or unacked', () => settled('dl'), 10_000);
    const dead = (await readDeadLetters(t.jsm)).filter((d) => d.subject === 'cx.dl');
    expect(dead.map((d) => [d.errorClass, d.headers['Jetbus-Job-Id']])).toEqual([
      ['JobCancelledError', 'dl-1'],
    ]);
    expect(runsOf('dl-1')).toHaveLength(1);
  });

  it('a scheduled job is cancelled as before: never released; its unique key is freed', async () => {
    const unique = { key: 'sched-key', for: '60s', until: 'completed' as const };
    const ack = await t.bus.publish('cx.queue', { id: 'sched' }, { delay: '3s', jobId: 'sched-1', unique });
    expect(ack.unique.acquired).toBe(true);
    expect(await t.bus.cancel('sched-1')).toMatchObject({
      jobId: 'sched-1',
      outcome: 'cancelled',
      scheduled: 'cancelled',
    });
    const keys = await new Kvm(t.js).open(UNIQUE_BUCKET);
    expect((await keys.get('sched-key'))?.operation).toBe('DEL');
    expect((await t.bus.listScheduled()).jobs.map((j) => j.jobId)).not.toContain('sched-1');
    // No request was needed: nothing recorded in JETBUS_CANCELLED.
    expect(await t.bus.cancellation('sched-1')).toBeUndefined();
  });

  it('an id no job has: the request is recorded and reported `requested` (jetbus keeps no index of queued jobs)', async () => {
    expect(await t.bus.cancel('no-such-job')).toMatchObject({ jobId: 'no-such-job', outcome: 'requested' });
    expect(await t.bus.cancellation('no-such-job')).toMatchObject({ state: 'requested' });
  });

  it.each([
    ['a dot', 'a.b'],
    ['a space', 'a b'],
    ['empty', ''],
    ['too long', 'x'.repeat(129)],
    ['a number', 42],
    ['a bad stream:seq', 'CX:0'],
  ])('a bad job id (%s) is a JetbusConfigError naming jobId', async (_what, jobId) => {
    for (const call of [() => t.bus.cancel(jobId as never), () => t.bus.cancellation(jobId as never)]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JetbusConfigError);
      expect((err as JetbusConfigError).option).toBe('jobId');
    }
  });

  it('a bad jobId on publish is a JetbusConfigError, nothing stored', async () => {
    const before = (await t.jsm.streams.info('CX')).state.messages;
    await expect(t.bus.publish('cx.queue', { id: 'x' }, { jobId: 'a b' })).rejects.toBeInstanceOf(
      JetbusConfigError,
    );
    expect((await t.jsm.streams.info('CX')).state.messages).toBe(before);
  });

  it('an id whose job was settled as cancelled names that job until the outcome expires: a new job under it runs, and cancel reports the old outcome', async () => {
    await t.bus.publish('cx.late', { id: 'reused-1' }, { jobId: 'reused' });
    await waitFor('the first job runs', () => runsOf('reused-1').length === 1, 10_000);
    expect(await t.bus.cancel('reused')).toMatchObject({ outcome: 'requested' });
    await waitFor(
      'the first job is settled as cancelled',
      async () => {
        return (await t.bus.cancellation('reused'))?.state === 'cancelled';
      },
      10_000,
    );
    const first = (await t.bus.cancellation('reused'))!;
    gates.get('reused-1')!();

    await t.bus.publish('cx.late', { id: 'reused-2' }, { jobId: 'reused' });
    await waitFor('the second job runs', () => runsOf('reused-2').length === 1, 10_000);
    // The repeat reports the first job's outcome; the running second job is not aborted.
    expect(await t.bus.cancel('reused')).toMatchObject({
      outcome: 'cancelled',
      cancellation: { state: 'cancelled', settledAt: first.settledAt },
    });
    await new Promise((r) => setTimeout(r, 300));
    gates.get('reused-2')!();
    await waitFor('the second job ends', () => runsOf('reused-2')[0].abortedWith !== undefined, 10_000);
    expect(runsOf('reused-2')[0].abortedWith).toBe('not aborted');
  });
});
