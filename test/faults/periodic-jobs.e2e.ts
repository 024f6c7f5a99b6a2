import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listPeriodic } from '@jetbus/core';
import { ChildWorker } from '../support/child-worker';
import { useJetbus } from '../support/use-jetbus';
import { sleep, waitFor } from '../support/wait-for';

interface Run {
  tick: number;
  pid: number;
  catchUp: boolean;
}

function readRuns(out: string): Run[] {
  if (!existsSync(out)) return [];
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [tick, pid, catchUp] = l.split(' ');
      return { tick: Date.parse(tick), pid: Number(pid), catchUp: catchUp === 'true' };
    });
}

/** Ticks run more than once (none expected). */
function duplicates(runs: Run[]): string[] {
  const seen = new Map<number, number>();
  for (const r of runs) seen.set(r.tick, (seen.get(r.tick) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([t, n]) => `${new Date(t).toISOString()} x${n}`);
}

const SECOND = 1_000;
/** Sleeps until `offset` ms past the next whole second: between two ticks of a per-second schedule. */
const untilMidSecond = (offset = 500) => sleep(SECOND - (Date.now() % SECOND) + offset);

// The test process declares nothing: the workers declare the tick stream and bucket themselves.
const OPTIONS = { name: 'periodic-observer', reconnectTimeWait: 100, heartbeat: false as const };

describe('periodic jobs across worker processes', () => {
  const t = useJetbus(OPTIONS);
  const workers: ChildWorker[] = [];
  t.onStop(async () => Promise.all(workers.map((w) => w.crash())));
  const outFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'jetbus-periodic-')), 'runs.txt');
  const start = (env: Record<string, string>) =>
    ChildWorker.start('periodic-worker.ts', { NATS_URL: t.server.url, ...env });

  it('3 instances, one killed -9 and replaced between ticks, again and again: each tick runs once', async () => {
    const out = outFile();
    const env = { OUT: out, SCHEDULE: 'fleet', MISSED: 'skip' };
    workers.push(...(await Promise.all([start(env), start(env), start(env)])));
    // Every tick from the first whole second after all three are up is expected.
    const first = Math.ceil(Date.now() / SECOND) * SECOND + SECOND;
    let kills = 0;
    // Kill one instance half a second after a tick, start its replacement (the other two keep
    // firing meanwhile), repeat with the next one; at least 20 ticks and 4 kills.
    while (kills < 4 || Date.now() < first + 21 * SECOND) {
      await untilMidSecond();
      const i = kills % 3;
      await workers[i].crash();
      workers[i] = await start(env);
      kills++;
    }
    const last = Math.floor(Date.now() / SECOND) * SECOND - SECOND;
    const expected: number[] = [];
    for (let tick = first; tick <= last; tick += SECOND) expected.push(tick);
    expect(expected.length).toBeGreaterThanOrEqual(20);
    await waitFor(`tick ${new Date(last).toISOString()} to run`, () =>
      readRuns(out).some((r) => r.tick === last),
    );
    const runs = readRuns(out);
    const inWindow = runs.filter((r) => r.tick >= first && r.tick <= last).map((r) => r.tick);
    expect(duplicates(runs)).toEqual([]);
    expect([...new Set(inWindow)].sort((a, b) => a - b)).toEqual(expected);
    // Each of the (at least 4) processes that ran ticks shared the work: not one leader.
    expect(new Set(runs.map((r) => r.pid)).size).toBeGreaterThan(1);
  });

  /**
   * Runs 2 instances of each schedule, kills all of them -9 for at least 3 ticks, restarts them;
   * resolves with what ran and the last tick each published before the stop.
   */
  async function acrossFullStop(schedules: { name: string; missed: 'skip' | 'run-once' }[]) {
    const envs = schedules.map(({ name, missed }) => ({ OUT: outFile(), SCHEDULE: name, MISSED: missed }));
    const before = await Promise.all(envs.flatMap((env) => [start(env), start(env)]));
    workers.push(...before);
    for (const env of envs) await waitFor('2 ticks to run', () => readRuns(env.OUT).length >= 2);
    await untilMidSecond();
    await Promise.all(before.map((w) => w.crash()));
    const listed = await listPeriodic(t.js);
    // The last tick published before the stop: the ones after it are the missed ones.
    const lastPublished = envs.map((env) => listed.find((s) => s.name === env.SCHEDULE)!.lastTick!.getTime());
    const latest = Math.max(...lastPublished);
    await waitFor('3 ticks to pass with every instance down', () => Date.now() > latest + 3_500, 10_000);
    const restartedAt = Date.now();
    workers.push(...(await Promise.all(envs.flatMap((env) => [start(env), start(env)]))));
    const readyAt = Date.now();
    for (const env of envs)
      await waitFor(
        '2 ticks after the restart to run',
        () => readRuns(env.OUT).filter((r) => r.tick > readyAt).length >= 2,
      );
    return envs.map((env, i) => ({ runs: readRuns(env.OUT), lastPublished: lastPublished[i], restartedAt }));
  }

  it("the missed-tick policy across a full stop: 'skip' runs none, 'run-once' exactly one catch-up", async () => {
    const [skip, once] = await acrossFullStop([
      { name: 'stop-skip', missed: 'skip' },
      { name: 'stop-once', missed: 'run-once' },
    ]);

    expect(duplicates(skip.runs)).toEqual([]);
    expect(skip.runs.filter((r) => r.catchUp)).toEqual([]);
    // At least 3 ticks fell in the stop (lastPublished, restartedAt]; none of them ran.
    expect(skip.restartedAt - skip.lastPublished).toBeGreaterThan(3 * SECOND);
    expect(skip.runs.filter((r) => r.tick > skip.lastPublished && r.tick <= skip.restartedAt)).toEqual([]);

    expect(duplicates(once.runs)).toEqual([]);
    const catchUps = once.runs.filter((r) => r.catchUp);
    // Two instances started, each applied the policy: the catch-up still ran once.
    expect(catchUps).toHaveLength(1);
    const [catchUp] = catchUps;
    // Nothing between the last tick before the stop and the catch-up ran: ≥ 3 ticks missed, one run.
    expect(catchUp.tick - once.lastPublished).toBeGreaterThan(3 * SECOND);
    expect(once.runs.filter((r) => r.tick > once.lastPublished && r.tick < catchUp.tick)).toEqual([]);
    expect(once.restartedAt).toBeLessThanOrEqual(catchUp.tick + SECOND);
  });
});
