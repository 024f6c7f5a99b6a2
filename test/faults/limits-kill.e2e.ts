import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readDeadLetters } from '../support/dead-letters';
import { type Run, mostAtOnce, mostStartsInWindow, readRuns } from '../support/limits-runs';
import { useJetbus } from '../support/use-jetbus';
import { sleep, waitFor } from '../support/wait-for';
import { WorkerFleet } from '../support/worker-fleet';

const KILLS = 2;
const MAX_IN_FLIGHT = 3;
const RATE_MAX = 10;

/**
 * `maxInFlight` and `rateLimit` across worker processes, one `kill -9`'d mid-job (twice): no slot of
 * the service's `maxInFlight` and no rate-limit admission is held for good by a dead worker. Every
 * job completes on attempt 1 (a kill and a rate-limit wait are no attempts), the consumer drains to
 * nothing unacked, and the limits hold for the runs that completed.
 */
describe('maxInFlight and rateLimit: kill -9 of a worker mid-job', () => {
  const t = useJetbus({
    name: 'producer',
    streams: [{ name: 'LIMK', subjects: ['limk.>'], retention: 'workqueue' }],
  });
  let fleet: WorkerFleet | undefined;
  t.onStop(async () => fleet?.stop());

  it('completes every job, drains the consumer, keeps both limits', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'jetbus-limk-')), 'runs.txt');
    fleet = new WorkerFleet('limits-worker.ts', 3, {
      NATS_URL: t.server.url,
      SERVICE: 'limk',
      SUBJECT: 'limk.job',
      OUT: out,
      WORK_MS: '150',
      CONCURRENCY: '3',
      MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
      RATE_MAX: String(RATE_MAX),
      RATE_PER: '1s',
      ACK_WAIT: '1s',
      CRASH_LIMIT: String(KILLS + 1),
    });
    await fleet.start();
    const runs = (): Run[] => readRuns(out);
    const jobs = Array.from({ length: 80 }, (_, i) => ({ id: `l-${i}`, tenant: i % 2 ? 'acme' : 'bolt' }));
    await t.bus.publishMany(jobs.map((data) => ({ subject: 'limk.job', data })));

    const killed = new Set<number>();
    for (let k = 0; k < KILLS; k++) {
      await sleep(1_500);
      const victim = fleet.live()[k];
      if (!victim) continue;
      killed.add(victim.pid);
      await victim.crash();
    }
    await waitFor(
      'every job completed',
      () => new Set(runs().map((r) => r.id)).size === jobs.length,
      60_000,
      100,
    );
    await waitFor('the consumer drained: nothing pending, nothing unacked', async () => {
      const c = await t.jsm.consumers.info('LIMK', 'limk_limk-job');
      return c.num_pending === 0 && c.num_ack_pending === 0;
    });
    await fleet.stop();

    const done = runs();
    expect([...new Set(done.map((r) => r.id))].sort()).toEqual(jobs.map((j) => j.id).sort());
    expect(done.filter((r) => r.attempt !== 1)).toEqual([]);
    // A job completes twice only when the process that completed it first was killed.
    const first = new Map<string, Run>();
    for (const r of done) {
      const before = first.get(r.id);
      if (before) expect([r.id, killed.has(before.pid)]).toEqual([r.id, true]);
      else first.set(r.id, r);
    }
    expect((await readDeadLetters(t.jsm).catch(() => [])).filter((d) => d.stream === 'LIMK')).toEqual([]);
    // Both limits, by the completed runs' own clocks.
    const most = mostAtOnce(done);
    expect(most).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    for (const tenant of ['acme', 'bolt']) {
      const starts = done.filter((r) => r.tenant === tenant).map((r) => r.start);
      expect([tenant, mostStartsInWindow(starts, 1_000) <= RATE_MAX]).toEqual([tenant, true]);
    }
    console.log(
      `limits under kill: ${jobs.length} jobs, ${killed.size} kills, ${done.length} completions, ` +
        `at most ${most} at once`,
    );
  }, 90_000);
});
