import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Injectable } from '@nestjs/common';
import { Ctx, type JetbusContext, JetbusMetrics, JobHandler, Payload } from '@jetbus/core';
import { readDeadLetters } from '../support/dead-letters';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';
import { WorkerFleet } from '../support/worker-fleet';

const runs: { id: string; attempt: number; deliveryCount: number }[] = [];

/**
 * Isolation off (crashLimit 0), where every delivery used to be an attempt and the consumer's
 * `max_deliver` was `maxAttempts`: rate-limit waits are nak-ed deliveries, which must not count.
 */
@Injectable()
class PacedJobs {
  @JobHandler('paced.run', {
    crashLimit: 0,
    maxAttempts: 2,
    concurrency: 4,
    backoff: { type: 'fixed', delay: 200 },
    rateLimit: { max: 4, per: '500ms' },
  })
  run(@Payload() job: { id: string; fail?: boolean }, @Ctx() ctx: JetbusContext): void {
    runs.push({ id: job.id, attempt: ctx.attempt, deliveryCount: ctx.deliveryCount });
    if (job.fail) throw new Error(`${job.id} fails every time`);
  }
}

describe('rateLimit with isolation off: waits are not attempts', () => {
  const t = useJetbus({ name: 'svc', streams: [{ name: 'PACED', subjects: ['paced.>'] }] }, [PacedJobs]);

  it('runs every job once on attempt 1 past maxAttempts deliveries; a failing job still gets exactly maxAttempts runs', async () => {
    const info = await t.jsm.consumers.info('PACED', 'svc_paced-run');
    // The server would drop a job after 2 deliveries; waits take more, so jetbus counts attempts.
    expect(info.config.max_deliver).toBe(-1);

    const ids = Array.from({ length: 24 }, (_, i) => `ok-${i}`);
    await t.bus.publish('paced.run', { id: 'boom', fail: true });
    await t.bus.publishMany(ids.map((id) => ({ subject: 'paced.run', data: { id } })));
    const dead = await waitFor('the failing job dead-lettered', async () => {
      const d = await readDeadLetters(t.jsm);
      return d.length > 0 ? d : undefined;
    });
    await waitFor('every job run', () => ids.every((id) => runs.some((r) => r.id === id)), 30_000);
    await waitFor('consumer drained', async () => {
      const i = await t.jsm.consumers.info('PACED', 'svc_paced-run');
      return i.num_pending === 0 && i.num_ack_pending === 0;
    });

    const ok = runs.filter((r) => r.id !== 'boom');
    expect(ok.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(ok.filter((r) => r.attempt !== 1)).toEqual([]);
    // Some jobs were delivered more often than maxAttempts allows and still ran on attempt 1.
    const mostDeliveries = Math.max(...ok.map((r) => r.deliveryCount));
    expect(mostDeliveries).toBeGreaterThan(2);

    // The failing job: two handler runs (attempts 1 and 2), then its dead letter, whatever it waited.
    expect(runs.filter((r) => r.id === 'boom').map((r) => r.attempt)).toEqual([1, 2]);
    // Its dead letter's Jetbus-Dlq-Attempts header counts deliveries (waits included), as documented.
    const boomDeliveries = runs.filter((r) => r.id === 'boom').at(-1)!.deliveryCount;
    expect(dead.map((d) => [JSON.parse(d.body).id, d.reason, d.attempts])).toEqual([
      ['boom', 'error', boomDeliveries],
    ]);

    const registry = t.app.get(JetbusMetrics).registry;
    const waits = (await registry.getMetricsAsJSON()).find(
      (m) => m.name === 'jetbus_rate_limited_waits_total',
    );
    const waited = waits?.values.find((v) => v.labels.handler === 'PacedJobs.run')?.value ?? 0;
    console.log(
      `isolation off, maxAttempts 2: 24 jobs at 4 per 500ms; deliveries up to ${mostDeliveries}, all on ` +
        `attempt 1; ${waited} rate-limited waits; the failing job ran twice and was dead-lettered`,
    );
    expect(waited).toBeGreaterThan(0);
  });
});

/**
 * Isolation off with rateLimit: the consumer has no max_deliver, so jetbus itself must stop a job
 * that kills its worker, after maxAttempts deliveries that were not rate-limit waits.
 */
describe('rateLimit with isolation off: a job that kills its worker', () => {
  const t = useJetbus({
    name: 'producer',
    streams: [{ name: 'CRASH', subjects: ['crash.>'], retention: 'workqueue' }],
  });
  let fleet: WorkerFleet | undefined;
  t.onStop(async () => fleet?.stop());

  it('is dead-lettered as max-deliveries after exactly maxAttempts deaths, waits not counted', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'jetbus-rate-crash-')), 'done.txt');
    // concurrency 1: no wait is held in process, every wait is a nak (a delivery that is not an attempt).
    const env = {
      NATS_URL: t.server.url,
      OUT: out,
      MAX_ATTEMPTS: '2',
      CRASH_LIMIT: '0',
      RATE_MAX: '2',
      RATE_PER: '500ms',
    };
    fleet = new WorkerFleet('crash-worker.ts', 1, env);
    await fleet.start();
    const healthy = Array.from({ length: 8 }, (_, i) => ({ id: `ok-${i}` }));
    const jobs = [...healthy.slice(0, 4), { id: 'poison', poison: true }, ...healthy.slice(4)];
    const acks = await t.bus.publishMany(jobs.map((data) => ({ subject: 'crash.job', data })));

    const lines = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []);
    await waitFor(
      'the healthy jobs done and the poison job dead-lettered',
      async () =>
        new Set(lines().map((l) => l.split(' ')[0])).size === healthy.length &&
        (await t.jsm.streams.info('JETBUS_DLQ').catch(() => undefined))?.state.messages === 1,
      60_000,
      100,
    );
    const deaths = fleet.restarts;
    await fleet.stop();

    expect(
      lines()
        .map((l) => l.split(' ')[0])
        .sort(),
    ).toEqual(healthy.map((j) => j.id).sort());
    expect(lines().every((l) => l.split(' ')[1] === '1')).toBe(true);
    const dead = await readDeadLetters(t.jsm);
    expect(dead.map((d) => [d.seq, d.reason])).toEqual([[acks[4].seq, 'max-deliveries']]);
    expect(dead[0].errorMessage).toContain('maxAttempts 2, rate-limit waits not counted');
    expect(deaths).toBe(2);
  });
});
