import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readDeadLetters } from '../support/dead-letters';
import { useJetbus } from '../support/use-jetbus';
import { sleep, waitFor } from '../support/wait-for';
import { WorkerFleet } from '../support/worker-fleet';

const MAX_ATTEMPTS = 2;

/**
 * A worker SIGKILLed after a job's dead letter is stored and before the job is terminated (its
 * `onDeadLetter` hook kills it, which an awaited hook makes a window of any length). The server
 * redelivers the job after `ackWait`; it must stay dead-lettered once, with no run beyond
 * `maxAttempts`, and its unique key (`until: 'completed'`) must be freed.
 */
describe('kill -9 between a dead letter and its term', () => {
  const t = useJetbus({
    name: 'producer',
    streams: [{ name: 'DLK', subjects: ['dlk.>'], retention: 'workqueue' }],
  });
  let fleet: WorkerFleet | undefined;
  t.onStop(async () => fleet?.stop());

  it('the redelivered job is terminated without running again: dead-lettered once, never completed, key freed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jetbus-dlk-'));
    const RUNS = path.join(dir, 'runs.txt');
    const KILL_MARK = path.join(dir, 'killed');
    fleet = new WorkerFleet('dead-letter-kill-worker.ts', 1, {
      NATS_URL: t.server.url,
      RUNS,
      KILL_MARK,
      MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    });
    await fleet.start();
    const runs = () => (existsSync(RUNS) ? readFileSync(RUNS, 'utf8').split('\n').filter(Boolean) : []);

    // Fails its 2 attempts (then dead-lettered), and would succeed if it ever ran a third time.
    const unique = { key: 'dlk-1', for: '10m', until: 'completed' as const };
    const job = await t.bus.publish('dlk.job', { id: 'j', failRuns: MAX_ATTEMPTS }, { unique });
    expect(job.unique.acquired).toBe(true);
    // Healthy jobs around it: each completes once.
    const healthy = Array.from({ length: 20 }, (_, i) => `h-${i}`);
    await Promise.all(healthy.map((id) => t.bus.publish('dlk.job', { id, failRuns: 0 })));

    await waitFor('the worker killed itself after the dead letter', () => existsSync(KILL_MARK), 30_000);
    await waitFor(
      'the stream emptied (every job settled for good)',
      async () => (await t.jsm.streams.info('DLK')).state.messages === 0,
      60_000,
      100,
    );
    await waitFor(
      'the key is free again',
      async () =>
        (
          await t.bus.publish(
            'dlk.job',
            { id: 'next', failRuns: 0 },
            { unique: { key: unique.key, for: '10m' } },
          )
        ).unique.acquired,
      15_000,
      100,
    );
    await waitFor('the next job ran', () => runs().some((l) => l.startsWith('next ')), 30_000);

    const runsOfJob = runs().filter((l) => l.startsWith('j '));
    expect(runsOfJob.map((l) => l.split(' ')[4])).toEqual(Array<string>(MAX_ATTEMPTS).fill('fail'));
    const dead = (await readDeadLetters(t.jsm)).filter((d) => d.stream === 'DLK');
    expect(dead.map((d) => [d.seq, d.reason])).toEqual([[job.seq, 'error']]);
    const done = runs()
      .filter((l) => l.endsWith(' ok'))
      .map((l) => l.split(' ')[0]);
    expect(done.sort()).toEqual([...healthy, 'next'].sort());
    await fleet.stop();
  }, 90_000);

  it('retries survive kill -9: each failing job gets exactly maxAttempts ended runs, then one dead letter', async () => {
    const KILLS = 4;
    const ATTEMPTS = 3;
    const dir = mkdtempSync(path.join(tmpdir(), 'jetbus-dlk-retries-'));
    const RUNS = path.join(dir, 'runs.txt');
    const KILL_MARK = path.join(dir, 'killed');
    writeFileSync(KILL_MARK, 'no hook kills here');
    fleet = new WorkerFleet('dead-letter-kill-worker.ts', 2, {
      NATS_URL: t.server.url,
      RUNS,
      KILL_MARK,
      MAX_ATTEMPTS: String(ATTEMPTS),
      CONCURRENCY: '4',
      // A job's first kill is in the crowd, so none ends its process alone KILLS times: no culprit.
      CRASH_LIMIT: String(KILLS),
    });
    await fleet.start();
    const runs = () => (existsSync(RUNS) ? readFileSync(RUNS, 'utf8').split('\n').filter(Boolean) : []);
    const failing = Array.from({ length: 16 }, (_, i) => `f-${i}`);
    const flaky = Array.from({ length: 16 }, (_, i) => `g-${i}`); // fail once, then succeed
    const seqOf = new Map<string, number>();
    for (const id of [...failing, ...flaky]) {
      const ack = await t.bus.publish('dlk.job', { id, failRuns: id.startsWith('f') ? 99 : 1, workMs: 250 });
      seqOf.set(id, ack.seq);
    }
    const killed = new Set<number>();
    for (let k = 0; k < KILLS; k++) {
      await sleep(900);
      const live = fleet.live();
      const victim = live[k % Math.max(1, live.length)];
      if (!victim) continue;
      killed.add(victim.pid);
      await victim.crash();
    }
    await waitFor(
      'every job settled',
      async () => (await t.jsm.streams.info('DLK')).state.messages === 0,
      60_000,
      100,
    );
    await fleet.stop();

    // Each job's runs that ended, in order. A run followed by one on the same attempt was not settled:
    // its process was killed between the handler's end and the nak or dead letter (it counts as a
    // killed run), which only a process the test killed may show.
    const ended = new Map<string, { attempt: number; pid: number; outcome: string }[]>();
    for (const l of runs()) {
      const [id, attempt, , pid, outcome] = l.split(' ');
      ended.set(id, [...(ended.get(id) ?? []), { attempt: Number(attempt), pid: Number(pid), outcome }]);
    }
    let unsettled = 0;
    const settled = (id: string): string[] => {
      const rs = ended.get(id) ?? [];
      return rs
        .filter((r, i) => {
          if (rs[i + 1]?.attempt !== r.attempt) return true;
          expect([id, r.pid, killed.has(r.pid)]).toEqual([id, r.pid, true]);
          unsettled++;
          return false;
        })
        .map((r) => `${r.attempt} ${r.outcome}`);
    };
    for (const id of failing) expect([id, settled(id)]).toEqual([id, ['1 fail', '2 fail', '3 fail']]);
    // A flaky job's one failure may be the unsettled run: then it succeeds on attempt 1.
    for (const id of flaky)
      expect([
        [id, ['1 fail', '2 ok']],
        [id, ['1 ok']],
      ]).toContainEqual([id, settled(id)]);
    const idOf = (body: string) => (JSON.parse(body) as { id: string }).id;
    const dead = (await readDeadLetters(t.jsm)).filter((d) => d.stream === 'DLK' && idOf(d.body) !== 'j');
    expect(dead.map((d) => [idOf(d.body), d.reason, d.seq]).sort()).toEqual(
      failing.map((id) => [id, 'error', seqOf.get(id)]).sort(),
    );
    // The kills hit runs: some ended runs came on a delivery beyond their attempt (a retry's nak is
    // one delivery per attempt; a killed run adds one).
    const afterKill = runs().filter((l) => {
      const [, attempt, delivery] = l.split(' ');
      return Number(delivery) > Number(attempt);
    }).length;
    expect(afterKill).toBeGreaterThan(0);
    console.log(
      `retries under kill: ${failing.length + flaky.length} jobs, ${KILLS} kills, ` +
        `${afterKill} ended runs on a redelivery after a kill, ${unsettled} ended but unsettled`,
    );
  }, 90_000);
});
