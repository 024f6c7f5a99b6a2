import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kvm } from '@nats-io/kv';
import { UNIQUE_BUCKET } from '@jetbus/core';
import { readDeadLetters } from '../support/dead-letters';
import { useJetbus } from '../support/use-jetbus';
import { sleep, waitFor } from '../support/wait-for';
import { WorkerFleet } from '../support/worker-fleet';

const WORKERS = 2;
const KILLS = 4;
/**
 * A job's first kill is always in the crowd (first deliveries run shared), so no job can end its
 * process alone KILLS times: with this limit the test's kills never make a bystander a culprit
 * (with the default 2, two kills of workers running the same suspect alone dead-letter it, as
 * documented).
 */
const CRASH_LIMIT = KILLS;
const MAX_ATTEMPTS = 3;
const PER_LANE = 40;
const GROUPS = ['acme', 'globex', 'initech'];

/**
 * Priority lanes and fairness groups under kill -9 of worker processes mid-job: every job completes
 * (none lost, none dead-lettered: bystanders of a kill are never blamed), each job that failed its
 * first attempt completes on attempt 2 exactly (a kill neither adds nor takes an attempt), a job runs
 * twice only when the process that completed it first was killed (the ack lost), and every unique
 * key (`until: 'completed'`) is freed.
 */
describe('lanes: kill -9 of workers mid-job', () => {
  const t = useJetbus({
    name: 'producer',
    streams: [{ name: 'LANES', subjects: ['lane.>'], retention: 'workqueue' }],
  });
  let fleet: WorkerFleet | undefined;
  t.onStop(async () => fleet?.stop());

  it('completes every priority and group job, attempts exact, duplicates only from killed workers, keys freed', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'jetbus-lanes-crash-')), 'done.txt');
    fleet = new WorkerFleet('lanes-crash-worker.ts', WORKERS, {
      NATS_URL: t.server.url,
      OUT: out,
      LOG: `${out}.log`,
      MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      CRASH_LIMIT: String(CRASH_LIMIT),
    });
    await fleet.start();
    const lines = () =>
      existsSync(out)
        ? readFileSync(out, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => {
              const [id, attempt, delivery, pid] = l.split(' ');
              return { id, attempt: Number(attempt), delivery: Number(delivery), pid: Number(pid) };
            })
        : [];

    type Lane = { subject: string; priority?: 'high' | 'low'; group?: string };
    const lanes: Lane[] = [
      { subject: 'lane.prio', priority: 'high' },
      { subject: 'lane.prio' },
      { subject: 'lane.prio', priority: 'low' },
      ...GROUPS.map((group) => ({ subject: 'lane.fair', group })),
    ];
    const ids: string[] = [];
    const failFirst = new Set<string>();
    const keys: string[] = [];
    await Promise.all(
      lanes.flatMap((lane, l) =>
        Array.from({ length: PER_LANE }, (_, i) => {
          const id = `${l}-${i}`;
          ids.push(id);
          if (i % 7 === 3) failFirst.add(id);
          const unique =
            i % 5 === 0 ? { key: `k-${id}`, for: '10m', until: 'completed' as const } : undefined;
          if (unique) keys.push(unique.key);
          return t.bus.publish(
            lane.subject,
            { id, workMs: 100 + ((i * 37) % 150), failFirst: failFirst.has(id) },
            { priority: lane.priority, group: lane.group, unique },
          );
        }),
      ),
    );

    const killed = new Set<number>();
    for (let k = 0; k < KILLS; k++) {
      await sleep(1_200);
      const live = fleet.live();
      const victim = live[k % live.length];
      if (!victim) continue;
      killed.add(victim.pid);
      await victim.crash();
    }

    await waitFor(
      'every job completed and the stream emptied',
      async () =>
        new Set(lines().map((l) => l.id)).size === ids.length &&
        (await t.jsm.streams.info('LANES')).state.messages === 0,
      60_000,
      200,
    ).catch(async (e: unknown) => {
      const seen = new Set(lines().map((l) => l.id));
      const info = await t.jsm.streams.info('LANES', { subjects_filter: '>' });
      const consumers = [];
      for await (const c of t.jsm.consumers.list('LANES'))
        consumers.push(
          `${c.name} pending=${c.num_pending} ack=${c.num_ack_pending} redel=${c.num_redelivered} waiting=${c.num_waiting}`,
        );
      const dl = await readDeadLetters(t.jsm).catch(() => []);
      console.log(`DLQ ${JSON.stringify(dl.map((d) => [d.seq, d.reason, d.body]))} LOG ${out}.log`);
      console.log(
        `DIAG missing ${ids.filter((id) => !seen.has(id)).join(',')}\n${JSON.stringify(info.state.subjects)}\n${consumers.join('\n')}\n${fleet!
          .live()
          .map((w) => w.log)
          .join('\n---\n')}`,
      );
      throw e;
    });
    await fleet.stop();

    const done = lines();
    expect([...new Set(done.map((l) => l.id))].sort()).toEqual([...ids].sort());
    expect((await readDeadLetters(t.jsm).catch(() => [])).filter((d) => d.stream === 'LANES')).toEqual([]);
    // Attempts: 1 for every job, 2 for each that failed its first; a kill counts as none.
    for (const l of done) expect([l.id, l.attempt]).toEqual([l.id, failFirst.has(l.id) ? 2 : 1]);
    // A second completion only after the first one's process was killed before its ack got through.
    const byId = new Map<string, typeof done>();
    for (const l of done) byId.set(l.id, [...(byId.get(l.id) ?? []), l]);
    const twice = [...byId.values()].filter((runs) => runs.length > 1);
    for (const runs of twice) expect(runs.slice(0, -1).every((r) => killed.has(r.pid))).toBe(true);
    // The kills hit jobs mid-run: some completions are redeliveries.
    const redelivered = done.filter((l) => l.delivery > l.attempt).length;
    expect(redelivered).toBeGreaterThan(0);
    const kv = await new Kvm(t.js).open(UNIQUE_BUCKET);
    const held = [];
    for (const key of keys) {
      const e = await kv.get(key);
      if (e && e.operation === 'PUT') held.push(key);
    }
    expect(held).toEqual([]);
    console.log(
      `lanes crash: ${ids.length} jobs, ${killed.size} kills, ${fleet.restarts} restarts, ` +
        `${redelivered} completed on a redelivery, ${twice.length} completed twice`,
    );
  }, 90_000);
});
