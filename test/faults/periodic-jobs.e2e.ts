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

  /** Runs 2 instances, kills both -9 for ≥ 2 ticks, restarts both; resolves with what ran. */
  async function acrossFullStop(name: string, missed: 'skip' | 'run-once') {
    const out = outFile();
    const env = { OUT: out, SCHEDULE: name, MISSED: missed };
    const pair = await Promise.all([start(env), start(env)]);
    workers.push(...pair);
    await waitFor('2 ticks to run', () => readRuns(out).length >= 2);
    await untilMidSecond();
    await Promise.all(pair.map((w) => w.crash()));
    const [schedule] = (await listPeriodic(t.js)).filter((s) => s.name === name);
    // The last tick published before the stop: the ones after it are the missed ones.
    const lastPublished = schedule.lastTick!.getTime();
    await waitFor(
      '3 ticks to pass with every instance down',
      () => Date.now() > lastPublished + 3_500,
      10_000,
    );
    const restartedAt = Date.now();
    const again = await Promise.all([start(env), start(env)]);
    workers.push(...again);
    const readyAt = Date.now();
    await waitFor(
      '2 ticks after the restart to run',
      () => readRuns(out).filter((r) => r.tick > readyAt).length >= 2,
    );
    return { runs: readRuns(out), lastPublished, restartedAt };
  }

  it("missed: 'skip' runs none of the ticks missed across a full stop", async () => {
    const { runs, lastPublished, restartedAt } = await acrossFullStop('stop-skip', 'skip');
    expect(duplicates(runs)).toEqual([]);
    expect(runs.filter((r) => r.catchUp)).toEqual([]);
    // At least 3 ticks fell in the stop (lastPublished, restartedAt]; none of them ran.
    expect(runs.filter((r) => r.tick > lastPublished && r.tick <= restartedAt)).toEqual([]);
    expect(restartedAt - lastPublished).toBeGreaterThan(3 * SECOND);
  });

  it("missed: 'run-once' runs exactly one catch-up, the latest missed tick, across a full stop", async () => {
    const { runs, lastPublished, restartedAt } = await acrossFullStop('stop-once', 'run-once');
    expect(duplicates(runs)).toEqual([]);
    const catchUps = runs.filter((r) => r.catchUp);
    expect(catchUps).toHaveLength(1);
    const [catchUp] = catchUps;
    expect(catchUp.tick).toBeGreaterThan(lastPublished);
    // Nothing between the last tick before the stop and the catch-up ran: ≥ 3 ticks missed, one run.
    expect(runs.filter((r) => r.tick > lastPublished && r.tick < catchUp.tick)).toEqual([]);
    expect(catchUp.tick - lastPublished).toBeGreaterThan(3 * SECOND);
    expect(restartedAt).toBeLessThanOrEqual(catchUp.tick + SECOND);
  });
});
