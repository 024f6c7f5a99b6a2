import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type INestApplicationContext } from '@nestjs/common';
import {
  DeadLetterStore,
  JetbusClient,
  JetbusConnection,
  type StreamRepairReport,
  repairStream,
  replayDeadLetters,
} from '@jetbus/core';
import { NatsServer } from '@jetbus/testing';
import type { ChaosJob, ChaosKind } from '../fixtures/chaos-worker';
import { type DeadLetterView, readDeadLetters } from '../support/dead-letters';
import { startJetbusApp } from '../support/jetbus-app';
import { StandbyWorker } from '../support/standby-worker';
import { sleep, waitFor } from '../support/wait-for';

/**
 * Issue 9's chaos run, sized for CI: 3,000 jobs on 3 worker processes with `idempotency`, 2% poison
 * jobs, 0.5% jobs that SIGKILL their worker on every delivery, a random worker `kill -9`'d every
 * 2–4 s while jobs remain, one `kill -9` of nats-server midway; then stranded-message repair, and
 * replay (twice) of the poison jobs once they are fixed. Exact sets throughout.
 *
 * Reproduce a run with CHAOS_SEED=<the printed seed> (job kinds, work times, kill times and victims;
 * scheduling on a busy machine is not seeded).
 */
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const JOBS = 3_000;
const POISON_PER_KIND = 20; // 3 kinds: 60 jobs, 2%
const CRASH = 15; // 0.5%
const WORKERS = 3;
const CONCURRENCY = 12;
/** Worker processes kept loaded (not consuming) to replace killed ones at once. */
const RESERVE = 2;
const MAX_ATTEMPTS = 3;
/** The default `crashLimit`. */
const CRASH_LIMIT = 2;
const STREAM = 'CHAOS';
const CONSUMER = 'chaos_chaos-job';
/**
 * A completed run is recorded (KV) right after the handler returns and before the ack. A duplicate
 * is explained only when its first run could not have been recorded: its process died within this
 * long after the run, or nats-server was down around it.
 */
const RECORD_WINDOW_MS = 2_000;
/** A run this close to the server's kill -9 (or during the outage) may have lost its KV record. */
const SERVER_WINDOW_MS = 1_000;

/** mulberry32: small, seedable, good enough to pick kinds, work times and victims. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Run {
  id: string;
  kind: ChaosKind;
  attempt: number;
  delivery: number;
  pid: number;
  t: number;
}

const readRuns = (file: string): Run[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [id, kind, attempt, delivery, pid, t] = l.split(' ');
          return {
            id,
            kind: kind as ChaosKind,
            attempt: Number(attempt),
            delivery: Number(delivery),
            pid: Number(pid),
            t: Number(t),
          };
        })
    : [];

const byId = (runs: Run[]): Map<string, Run[]> => {
  const m = new Map<string, Run[]>();
  for (const r of runs) m.set(r.id, [...(m.get(r.id) ?? []), r]);
  return m;
};

const sorted = (xs: Iterable<string>) => [...xs].sort();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

describe('chaos: 3,000 jobs, kill -9 of workers and of nats-server, poison and crash jobs, repair, replay', () => {
  let server: NatsServer;
  let producer: INestApplicationContext;
  const slots: (StandbyWorker | undefined)[] = [];
  const everyWorker: StandbyWorker[] = [];
  const reserves: Promise<StandbyWorker | undefined>[] = [];
  let supervising = true;
  let supervisor: Promise<unknown> | undefined;
  let chaos = true;
  let killer: Promise<void> | undefined;
  let sampler: Promise<void> | undefined;

  beforeAll(async () => {
    server = await NatsServer.start();
    producer = await startJetbusApp(
      {
        servers: server.url,
        name: 'producer',
        logger: false,
        reconnectTimeWait: 100,
        streams: [{ name: STREAM, subjects: ['chaos.>'], retention: 'workqueue', duplicateWindow: '10m' }],
      },
      [],
    );
  });

  afterAll(async () => {
    chaos = false;
    supervising = false;
    await killer;
    await sampler;
    await supervisor;
    await Promise.all(reserves);
    await Promise.all(everyWorker.filter((w) => w.running).map((w) => w.crash()));
    await producer?.close();
    await server?.stop();
  });

  it('loses nothing, blames only the culprits, runs no completed job twice, strands nothing after repair', async () => {
    const started = Date.now();
    console.log(`chaos seed ${SEED} (CHAOS_SEED=${SEED} to reproduce)`);
    const random = rng(SEED);
    const dir = mkdtempSync(path.join(tmpdir(), 'jetbus-chaos-'));
    const OUT = path.join(dir, 'completed.txt');
    const RUNS = path.join(dir, 'runs.txt');
    const FIXED = path.join(dir, 'fixed');
    const env = {
      NATS_URL: server.url,
      OUT,
      RUNS,
      FIXED,
      MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      CONCURRENCY: String(CONCURRENCY),
      // Info: the line of each redelivery acked as already completed (`idempotency`), counted below.
      JETBUS_LOG_LEVEL: 'info',
    };

    // Job kinds, shuffled with the seed.
    const kinds: ChaosKind[] = [
      ...Array<ChaosKind>(POISON_PER_KIND).fill('poison-nonretryable'),
      ...Array<ChaosKind>(POISON_PER_KIND).fill('poison-validation'),
      ...Array<ChaosKind>(POISON_PER_KIND).fill('poison-flaky'),
      ...Array<ChaosKind>(CRASH).fill('crash'),
    ];
    kinds.push(...Array<ChaosKind>(JOBS - kinds.length).fill('ok'));
    for (let i = kinds.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
    }
    const jobs: ChaosJob[] = kinds.map((kind, i) => ({
      id: `c-${i}`,
      kind,
      workMs: kind === 'ok' ? 1 + Math.floor(random() * 8) : 0,
    }));
    const idsOf = (pred: (k: ChaosKind) => boolean) =>
      new Set(jobs.filter((j) => pred(j.kind)).map((j) => j.id));
    const healthy = idsOf((k) => k === 'ok');
    const crash = idsOf((k) => k === 'crash');
    const poison = idsOf((k) => k.startsWith('poison'));
    const kindOf = new Map(jobs.map((j) => [j.id, j.kind]));

    // Workers, kept alive by a supervisor; every death is recorded (pid, when it was seen).
    const deaths: { pid: number; t: number; by: 'test' | 'itself'; how: string; w: StandbyWorker }[] = [];
    const killedByTest = new Set<number>();
    const killedAt = new Map<number, number>();
    const track = (w: StandbyWorker): StandbyWorker => {
      everyWorker.push(w);
      void w.exited.then(() => {
        if (w.activated)
          deaths.push({
            pid: w.pid,
            t: Date.now(),
            by: killedByTest.has(w.pid) ? 'test' : 'itself',
            how: w.child.signalCode ?? `exit ${w.child.exitCode}`,
            w,
          });
      });
      return w;
    };
    // RESERVE workers are kept loaded: a replacement starts consuming within a few hundred ms
    // instead of the seconds a Node process takes to compile and boot on a busy CI machine.
    const loadReserve = () =>
      reserves.push(StandbyWorker.load('chaos-worker.ts', env).then(track, () => undefined));
    const restartMs: number[] = [];
    const replacement = async (): Promise<StandbyWorker | undefined> => {
      const since = Date.now();
      const ready = await reserves.shift();
      if (supervising) loadReserve();
      let w: StandbyWorker | undefined;
      if (
        ready?.running &&
        (await ready.activate().then(
          () => true,
          () => false,
        ))
      )
        w = ready;
      else {
        await ready?.crash();
        w = await StandbyWorker.start('chaos-worker.ts', env).then(track, () => undefined);
      }
      if (w) restartMs.push(Date.now() - since);
      return w;
    };
    const alive = (w: StandbyWorker | undefined): w is StandbyWorker => !!w && w.alive;
    for (let i = 0; i < WORKERS; i++) slots[i] = track(await StandbyWorker.start('chaos-worker.ts', env));
    for (let i = 0; i < RESERVE; i++) loadReserve();
    // One loop per slot: a slow start in one slot never delays replacing another.
    supervisor = Promise.all(
      slots.map(async (_, i) => {
        while (supervising) {
          if (alive(slots[i])) await sleep(20);
          else slots[i] = await replacement();
        }
      }),
    );

    const { jsm, js } = producer.get(JetbusConnection);
    const bus = producer.get(JetbusClient);
    const acks = await bus.publishMany(
      jobs.map((data) => ({ subject: 'chaos.job', data, options: { msgId: data.id } })),
    );
    expect(acks.filter((a) => a.duplicate)).toEqual([]);
    const seqOf = new Map(jobs.map((j, i) => [j.id, acks[i].seq]));

    // Chaos: a random worker kill -9'd every 2-4 s while jobs remain.
    killer = (async () => {
      while (chaos) {
        await sleep(2_000 + Math.floor(random() * 2_000));
        if (!chaos) break;
        // Crash jobs keep killing workers too: wait for one that is up, then kill it.
        const victim = await waitFor(
          'a live worker to kill',
          () => {
            if (!chaos) return null;
            const live = slots.filter(alive);
            return live.length > 0 && live[Math.floor(random() * live.length)];
          },
          30_000,
          50,
        ).catch(() => undefined);
        if (!chaos || !victim || !alive(victim)) continue;
        killedByTest.add(victim.pid);
        killedAt.set(victim.pid, Date.now());
        await victim.crash();
      }
    })();

    // Settled: every job completed or dead-lettered, and the consumer has nothing left to deliver.
    const completedIds = () => new Set(readRuns(OUT).map((r) => r.id));

    // Progress every 2 s, printed if the run stalls: what was done, who was up, what the server held.
    const trace: string[] = [];
    sampler = (async () => {
      while (chaos) {
        const c = await jsm.consumers.info(STREAM, CONSUMER).catch(() => undefined);
        trace.push(
          `@${Date.now() - started} done ${completedIds().size} runs ${readRuns(RUNS).length} ` +
            `up ${slots.filter(alive).length} deaths ${deaths.length} ` +
            (c
              ? `pending ${c.num_pending} ack-pending ${c.num_ack_pending} waiting ${c.num_waiting}`
              : 'server away'),
        );
        await sleep(2_000);
      }
    })();
    const diagnose = () => {
      const logs = everyWorker.map((w) => w.log).join('');
      const lines = logs.split('\n').filter((l) => l && !l.includes('job already completed'));
      return (
        `\nprogress:\n${trace.join('\n')}\nworkers: ${slots.map((w) => (w ? `${w.pid} ${w.alive ? 'up' : 'down'}` : 'none')).join(', ')}` +
        `; restarts ${restartMs.join(' ')}\nlast worker log lines:\n${lines.slice(-30).join('\n')}`
      );
    };
    const orDiagnose = (e: Error) => {
      throw new Error(`${e.message}${diagnose()}`);
    };
    let dead: DeadLetterView[] = [];
    const settled = async () => {
      const done = completedIds();
      if ([...healthy].some((id) => !done.has(id))) return false;
      const c = await jsm.consumers.info(STREAM, CONSUMER);
      if (c.num_pending !== 0 || c.num_ack_pending !== 0) return false;
      dead = await readDeadLetters(jsm);
      const deadIds = new Set(dead.map((d) => (JSON.parse(d.body) as ChaosJob).id));
      return [...crash, ...poison].every((id) => deadIds.has(id));
    };

    // One kill -9 of nats-server midway (half the healthy jobs done), restarted on the same store.
    await waitFor(
      'half the healthy jobs done',
      () => completedIds().size >= healthy.size / 2,
      90_000,
      100,
    ).catch(orDiagnose);
    const serverDown = Date.now();
    await server.kill();
    await sleep(1_000); // an outage the workers notice: their KV writes and acks fail meanwhile
    await server.restart();
    const serverUp = Date.now();

    const settledIn = await waitFor('every job completed or dead-lettered', settled, 150_000, 500)
      .then(() => Date.now() - started)
      .catch((e: Error) => e);
    chaos = false;
    await killer;
    await sampler;
    if (settledIn instanceof Error) {
      // Say what is missing before failing.
      const done = completedIds();
      const deadIds = new Set(dead.map((d) => (JSON.parse(d.body) as ChaosJob).id));
      const missing = [...healthy, ...crash, ...poison].filter((id) => !done.has(id) && !deadIds.has(id));
      throw new Error(
        `${settledIn.message}; not completed nor dead-lettered: ${missing.slice(0, 50).join(' ')}` +
          ` (${missing.length}); consumer ${JSON.stringify(await jsm.consumers.info(STREAM, CONSUMER).catch(String))}` +
          diagnose(),
      );
    }

    // --- Dead letters: exactly the crash jobs (max-deliveries) and the poison jobs, each once.
    dead = await readDeadLetters(jsm);
    const deadIdList = dead.map((d) => (JSON.parse(d.body) as ChaosJob).id);
    const healthyDeadLettered = deadIdList.filter((id) => healthy.has(id));
    expect(healthyDeadLettered).toEqual([]);
    expect(sorted(deadIdList)).toEqual(sorted([...crash, ...poison])); // each exactly once
    const expectedReason = (kind: ChaosKind) =>
      kind === 'crash' ? 'max-deliveries' : kind === 'poison-validation' ? 'validation' : 'error';
    const runsBefore = byId(readRuns(RUNS));
    /**
     * The processes a crash job ran alone in and that died, as the workers logged them (the log line
     * comes before the crash is counted). Each died by the job's own SIGKILL (a run line from that
     * process) or by our kill -9 while it ran alone, before its handler began: jetbus cannot tell
     * those apart and counts both, as documented. Any other death is unexplained.
     */
    const blame = (id: string) => {
      const seq = seqOf.get(id)!;
      const ranIn = new Set(runsBefore.get(id)?.map((r) => r.pid));
      const alone = everyWorker.filter((w) =>
        w.log
          .split('\n')
          .some((l) => l.includes('running a suspect job alone') && l.includes(`"seq":${seq},`)),
      );
      const died = alone.filter((w) => deaths.some((d) => d.pid === w.pid));
      return {
        id,
        aloneIn: Math.min(died.length, CRASH_LIMIT),
        unexplained: died
          .filter((w) => !ranIn.has(w.pid) && !killedByTest.has(w.pid))
          .map((w) => `pid ${w.pid} ${w.child.signalCode ?? w.child.exitCode}`),
      };
    };
    for (const d of dead) {
      const id = (JSON.parse(d.body) as ChaosJob).id;
      // Written by a worker (not the reaper: with isolation max_deliver is unlimited), never marked
      // as a job that had completed.
      expect({
        id,
        reason: d.reason,
        seq: d.seq,
        stream: d.stream,
        handler: d.handler,
        completed: d.headers['Jetbus-Dlq-Completed'],
      }).toEqual({
        id,
        reason: expectedReason(kindOf.get(id)!),
        seq: seqOf.get(id),
        stream: STREAM,
        handler: 'ChaosJobs.run',
        completed: undefined,
      });
      // A crash job is blamed after CRASH_LIMIT deaths of processes it ran alone in, and is
      // dead-lettered without running again.
      if (crash.has(id)) expect(blame(id)).toEqual({ id, aloneIn: CRASH_LIMIT, unexplained: [] });
    }

    // --- Completions: every healthy job, no crash or poison job (yet).
    const chaosRuns = readRuns(RUNS);
    const completions = byId(readRuns(OUT));
    expect(sorted(completions.keys())).toEqual(sorted(healthy));

    // --- Duplicates: a healthy job whose handler completed more than once. Explained only when the
    // first completion could not be recorded: its process died right after it, or the server was down.
    const duplicates = [...completions].filter(([, rs]) => rs.length > 1);
    const explain = ([first, again]: Run[]): string | undefined => {
      // The server was killed right after the run: its KV record (and the consumer's delivered
      // state: the job may come back as delivery 1) did not survive.
      if (first.t >= serverDown - SERVER_WINDOW_MS && first.t <= serverUp + SERVER_WINDOW_MS)
        return 'nats-server kill -9 right after the run';
      // Its worker died between the run and its KV record.
      const death = deaths.find(
        (d) => d.pid === first.pid && d.t >= first.t && d.t <= again.t && d.t - first.t <= RECORD_WINDOW_MS,
      );
      if (!death) return undefined;
      const at = (killedAt.get(death.pid) ?? death.t) - first.t;
      return death.by === 'test'
        ? `worker kill -9 ${at} ms after the run, before its KV record`
        : `a crash job took the worker ${at} ms after the run`;
    };
    const explained = duplicates.map(([id, rs]) => ({ id, runs: rs, why: explain(rs) }));
    const unexplained = explained.filter((d) => !d.why);
    expect(unexplained.map((d) => ({ id: d.id, runs: d.runs }))).toEqual([]);

    // --- Stranded messages: what the server kill left below the ack floor. Only settled jobs go.
    const stranded: StreamRepairReport = await repairStream(jsm, STREAM, { dryRun: true });
    const strandedIds: string[] = [];
    for (const m of stranded.removed) {
      const msg = await jsm.streams.getMessage(STREAM, { seq: m.seq });
      strandedIds.push(msg ? msg.json<ChaosJob>().id : `gone before it was read: seq ${m.seq}`);
    }
    const settledIds = new Set([...completions.keys(), ...deadIdList]);
    expect(strandedIds.filter((id) => !settledIds.has(id))).toEqual([]);
    const repaired = await repairStream(jsm, STREAM);
    expect(repaired.removed.map((m) => m.seq)).toEqual(stranded.removed.map((m) => m.seq));
    expect(repaired.left).toEqual([]);
    expect((await jsm.streams.info(STREAM)).state.messages).toBe(0);

    // --- Fix the poison jobs and replay them, twice.
    writeFileSync(FIXED, 'fixed\n');
    const store = new DeadLetterStore(jsm);
    const replay = async () => {
      const reports = [
        await replayDeadLetters(store, js, { reason: 'error' }, { ratePerSecond: 1_000 }),
        await replayDeadLetters(store, js, { reason: 'validation' }, { ratePerSecond: 1_000 }),
      ];
      return {
        replayed: reports.flatMap((r) => r.replayed),
        skipped: reports.flatMap((r) => r.skipped),
        failed: reports.flatMap((r) => r.failed),
      };
    };
    const idle = async () => {
      const c = await jsm.consumers.info(STREAM, CONSUMER);
      return (
        c.num_pending === 0 &&
        c.num_ack_pending === 0 &&
        (await jsm.streams.info(STREAM)).state.messages === 0
      );
    };
    const first = await replay();
    expect(first.failed).toEqual([]);
    expect(first.skipped).toEqual([]);
    expect(sorted(first.replayed.map((r) => String(r.dlqSeq)))).toEqual(
      sorted(dead.filter((d) => d.reason !== 'max-deliveries').map((d) => String(d.dlqSeq))),
    );
    await waitFor(
      'every replayed poison job completed',
      () => [...poison].every((id) => completions.has(id) || completedIds().has(id)),
      60_000,
      100,
    );
    await waitFor('the work queue idle after the first replay', idle, 30_000, 100);
    const second = await replay();
    expect(second).toEqual({ replayed: [], skipped: [], failed: [] });
    await waitFor('the work queue idle after the second replay', idle, 30_000, 100);

    const finalCompletions = byId(readRuns(OUT));
    expect(sorted(finalCompletions.keys())).toEqual(sorted([...healthy, ...poison]));
    for (const id of poison) expect([id, finalCompletions.get(id)!.length]).toEqual([id, 1]);
    for (const id of healthy) expect(finalCompletions.get(id)).toEqual(completions.get(id)); // nothing new
    // The DLQ keeps exactly the crash jobs.
    const left = await readDeadLetters(jsm);
    expect(sorted(left.map((d) => (JSON.parse(d.body) as ChaosJob).id))).toEqual(sorted(crash));

    // --- Summary.
    const runs = readRuns(RUNS);
    const healthyRuns = runs.filter((r) => r.kind === 'ok');
    const redeliveredRuns = runs.filter((r) => r.delivery > 1);
    const reRunsOfInterrupted =
      healthyRuns.length - [...completions.values()].reduce((n, rs) => n + rs.length, 0);
    const repeatedFirst = [...byId(runs)].filter(
      ([, rs]) => rs.filter((r) => r.delivery === 1).length > 1,
    ).length;
    const warnings = everyWorker.map((w) => w.log).join('');
    const count = (re: RegExp) => (warnings.match(re) ?? []).length;
    const why = new Map<string, number>();
    for (const d of explained) {
      const kind = d.why!.replace(/ \d+ ms/, '');
      why.set(kind, (why.get(kind) ?? 0) + 1);
    }
    console.log(
      `chaos seed=${SEED}: ${JOBS} jobs (${healthy.size} healthy, ${poison.size} poison, ${crash.size} crash) ` +
        `settled in ${settledIn} ms, total ${Date.now() - started} ms; ` +
        `server kill -9 at ${serverDown - started} ms, down ${serverUp - serverDown} ms; ` +
        `worker deaths ${deaths.length} (kill -9 by test ${deaths.filter((d) => d.by === 'test').length}, ` +
        `crash jobs ${deaths.filter((d) => d.by === 'itself').length}), ` +
        `replaced in ${median(restartMs)} ms (median, max ${Math.max(...restartMs)}); ` +
        `lost 0, healthy dead-lettered ${healthyDeadLettered.length}; ` +
        `duplicates ${duplicates.length} (${[...why].map(([k, n]) => `${k}: ${n}`).join(', ') || 'none'}; ` +
        `unexplained ${unexplained.length}); handler runs ${runs.length} ` +
        `(chaos phase ${chaosRuns.length}, on a redelivery ${redeliveredRuns.length}, ` +
        `max delivery ${Math.max(...runs.map((r) => r.delivery))}, ` +
        `delivery 1 again after the server restart ${repeatedFirst}, ` +
        `healthy re-runs of interrupted jobs ${reRunsOfInterrupted}); ` +
        `stranded ${stranded.removed.length} removed by repair; replayed ${first.replayed.length} then ${second.replayed.length}; ` +
        `redeliveries acked as already completed ${count(/job already completed; acked without running it again/g)}, ` +
        `"could not record a completed job" warnings ${count(/could not record a completed job/g)}`,
    );
    const diedAt = (pid: number) => {
      const d = deaths.find((x) => x.pid === pid);
      return d ? `died @${d.t - started} by ${d.by === 'test' ? 'our kill -9' : d.how}` : 'lived on';
    };
    // A worker that ended other than by SIGKILL (ours or a crash job's) is a finding: say how.
    const otherDeaths = deaths.filter((d) => d.how !== 'SIGKILL');
    for (const d of otherDeaths)
      console.log(
        `worker ${d.pid} ended (${d.how}) @${d.t - started}:\n${d.w.log.split('\n').slice(-15).join('\n')}`,
      );
    if (duplicates.length > 0)
      console.log(
        `duplicates: ${explained
          .map(
            (d) =>
              `${d.id} [${d.why}] ${d.runs.map((r) => `pid ${r.pid} d${r.delivery} @${r.t - started}`).join(' / ')}` +
              ` (pid ${d.runs[0].pid} ${diedAt(d.runs[0].pid)})`,
          )
          .join('; ')}`,
      );
  }, 300_000);
});
