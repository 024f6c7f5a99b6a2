import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readDeadLetters } from '../support/dead-letters';
import { useJetbus } from '../support/use-jetbus';
import { sleep, waitFor } from '../support/wait-for';
import { WorkerFleet } from '../support/worker-fleet';

const WORKERS = 3;
const MAX_ATTEMPTS = 4;
const NORMAL = 200;
const POISON = 5;
/** Random kills on top of the poison ones: jobs in flight then are bystanders, never blamed. */
const RANDOM_KILLS = MAX_ATTEMPTS - 1;
/** The default `crashLimit`: a poison job ends its worker once in the crowd, then twice alone. */
const CRASH_LIMIT = 2;

describe('crash safety: workers killed with SIGKILL mid-job', () => {
  // The producer process runs the reaper too (every jetbus process does, on a shared durable).
  const t = useJetbus({
    name: 'producer',
    streams: [{ name: 'CRASH', subjects: ['crash.>'], retention: 'workqueue' }],
  });
  let fleet: WorkerFleet | undefined;
  t.onStop(async () => fleet?.stop());

  it('dead-letters every poison job as max-deliveries, completes every other job, loses none', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jetbus-crash-'));
    const out = path.join(dir, 'done.txt');
    const env = { NATS_URL: t.server.url, OUT: out, MAX_ATTEMPTS: String(MAX_ATTEMPTS) };
    // Keep three workers alive: restart whichever died.
    fleet = new WorkerFleet('crash-worker.ts', WORKERS, env);
    await fleet.start();

    const normalIds = Array.from({ length: NORMAL }, (_, i) => `n-${i}`);
    const poisonIds = Array.from({ length: POISON }, (_, i) => `p-${i}`);
    const jobs: { id: string; poison?: boolean }[] = [
      ...normalIds.map((id) => ({ id })),
      ...poisonIds.map((id) => ({ id, poison: true })),
    ].sort(() => Math.random() - 0.5);
    const acks = await t.bus.publishMany(
      jobs.map((data) => ({ subject: 'crash.job', data, options: { msgId: data.id } })),
    );
    const poisonSeqs = jobs.map((j, i) => (j.poison ? acks[i].seq : -1)).filter((s) => s > 0);

    // Random kills under load, on top of the poison ones.
    for (let k = 0; k < RANDOM_KILLS; k++) {
      await sleep(300);
      await fleet.crashOne();
    }

    const completedIds = () =>
      existsSync(out)
        ? readFileSync(out, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => l.split(' ')[0])
        : [];
    const { jsm } = t;
    await waitFor(
      'every job completed or dead-lettered',
      async () =>
        new Set(completedIds()).size === NORMAL &&
        (await jsm.streams.info('JETBUS_DLQ')).state.messages === POISON,
      90_000,
      200,
    );
    const restarts = fleet.restarts;
    await fleet.stop();

    // Every healthy job completed; no poison job "completed".
    expect(new Set(completedIds())).toEqual(new Set(normalIds));
    // Every poison job is in the DLQ exactly once, with the reason and attempts the server reported.
    const dead = await readDeadLetters(jsm);
    expect(dead.map((d) => d.seq).sort((a, b) => a - b)).toEqual([...poisonSeqs].sort((a, b) => a - b));
    for (const d of dead) {
      expect(d).toMatchObject({
        reason: 'max-deliveries',
        subject: 'crash.job',
        stream: 'CRASH',
        consumer: 'crash_crash-job',
        errorClass: 'MaxDeliveriesExceeded',
      });
      expect(poisonIds).toContain(JSON.parse(d.body).id);
      // Deliveries: one in the crowd, CRASH_LIMIT alone, and the one that dead-letters it (more if a
      // random kill caught it too).
      expect(d.attempts).toBeGreaterThanOrEqual(2 + CRASH_LIMIT);
    }
    // The work queue is empty: each poison job was terminated once its dead letter was stored.
    await waitFor('work queue emptied', async () => (await jsm.streams.info('CRASH')).state.messages === 0);
    // Each poison job ended its worker at least CRASH_LIMIT times alone (its first run may have been
    // cut short by a random kill instead).
    expect(restarts).toBeGreaterThanOrEqual(POISON * CRASH_LIMIT);
  });
});
