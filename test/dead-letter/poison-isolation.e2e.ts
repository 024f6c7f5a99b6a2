import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readDeadLetters } from '../support/dead-letters';
import { uniqueName } from '../support/jetbus-app';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';
import { WorkerFleet } from '../support/worker-fleet';

/**
 * One crash job among slow jobs on a worker that runs them all at once. After a crash the server
 * redelivers everything the dead worker held, together: without isolation the crash job kills the
 * process again each time and takes every bystander with it to `max-deliveries`.
 */
describe('poison isolation: one crash job among 15 slow ones at concurrency 16', () => {
  const t = useJetbus({
    name: 'producer',
    streams: [{ name: 'CRASH', subjects: ['crash.>'], retention: 'workqueue' }],
  });
  let fleet: WorkerFleet | undefined;
  t.onStop(async () => fleet?.stop());

  it('completes all 15 bystanders once each and dead-letters only the crash job', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'jetbus-isolation-')), 'done.txt');
    const env = { NATS_URL: t.server.url, OUT: out, MAX_ATTEMPTS: '3', CONCURRENCY: '16', SLEEP_MS: '300' };
    fleet = new WorkerFleet('crash-worker.ts', 1, env);
    await fleet.start();

    const run = uniqueName('r');
    const slow = Array.from({ length: 15 }, (_, i) => ({ id: `${run}-slow-${i}` }));
    const jobs = [...slow.slice(0, 8), { id: `${run}-crash`, poison: true }, ...slow.slice(8)];
    const acks = await t.bus.publishMany(jobs.map((data) => ({ subject: 'crash.job', data })));
    const crashSeq = acks[8].seq;

    const lines = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []);
    const { jsm } = t;
    await waitFor(
      'the bystanders done and the crash job dead-lettered',
      async () =>
        new Set(lines().map((l) => l.split(' ')[0])).size === 15 &&
        (await jsm.streams.info('JETBUS_DLQ').catch(() => undefined))?.state.messages === 1,
      60_000,
      100,
    );
    const crashes = fleet.restarts;
    await fleet.stop();

    const completed = lines().map((l) => l.split(' ')[0]);
    expect(completed.sort()).toEqual(slow.map((j) => j.id).sort()); // each exactly once
    const dead = await readDeadLetters(jsm);
    expect(dead.map((d) => [d.seq, d.reason])).toEqual([[crashSeq, 'max-deliveries']]);
    // Bystanders were redelivered after the first crash but never counted as attempts.
    expect(lines().every((l) => l.split(' ')[1] === '1')).toBe(true);
    expect(crashes).toBe(3); // once among the others, twice alone
    await waitFor('work queue emptied', async () => (await jsm.streams.info('CRASH')).state.messages === 0);
  });
});
