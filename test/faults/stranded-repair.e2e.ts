import { execFile } from 'node:child_process';
import { join } from 'node:path';
import {
  AckPolicy,
  type Consumer,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  RetentionPolicy,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import {
  RepairLeftReasons,
  RepairNotSupportedError,
  StreamNotFoundError,
  type StreamRepairReport,
  repairStream,
  repairWorkQueues,
} from '@jetbus/core';
import { NatsServer } from '@jetbus/testing';
import { failure } from '../support/failure';
import { captureLogs } from '../support/jetbus-app';
import { sleep, waitFor } from '../support/wait-for';

const STREAM = 'STRANDED';
const JOB = 'str.job';
/** A subject no consumer takes while repair runs: its messages are waiting, never stranded. */
const WAITING = 'str.wait';
const DURABLE = 'work';
/** Server kill -9 rounds at most; one usually strands hundreds of messages. */
const MAX_KILLS = 6;
/** Jobs published per kill round on the main stream (half of it on the other). */
const TOP_UP = 6_000;

const seqsOf = (ms: { seq: number }[]) => ms.map((m) => m.seq);

interface StoredJob {
  seq: number;
  subject: string;
  id: string;
}

/** A work-queue stream with one durable taking `<prefix>.job`, and what its worker acked. */
interface Lane {
  stream: string;
  subject: string;
  consumer: Consumer;
  acked: Set<number>;
  published: number;
}

async function addLane(
  jsm: JetStreamManager,
  js: JetStreamClient,
  stream: string,
  prefix: string,
  /** The consumer's filter: its jobs are published on `<prefix>.job`. */
  filter = `${prefix}.job`,
): Promise<Lane> {
  await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`], retention: RetentionPolicy.Workqueue });
  await jsm.consumers.add(stream, {
    durable_name: DURABLE,
    filter_subject: filter,
    ack_policy: AckPolicy.Explicit,
    // Short, so jobs whose ack died with the server come back within the test.
    ack_wait: 2_000_000_000,
    max_ack_pending: 10_000,
  });
  const consumer = await js.consumers.get(stream, DURABLE);
  return { stream, subject: `${prefix}.job`, consumer, acked: new Set(), published: 0 };
}

/** The next `n` job ids of a lane. */
function jobIds(lane: Lane, n: number): string[] {
  const ids = Array.from({ length: n }, (_, i) => `job-${lane.published + i}`);
  lane.published += n;
  return ids;
}

const floorOf = async (jsm: JetStreamManager, lane: Lane) =>
  (await jsm.consumers.info(lane.stream, DURABLE)).ack_floor.stream_seq;

/** Stored jobs of the lane's consumer at or below its ack floor: nothing will ever deliver them. */
async function strandedIn(jsm: JetStreamManager, lane: Lane): Promise<StoredJob[]> {
  const floor = await floorOf(jsm, lane);
  return (await storedMessages(jsm, lane.stream)).filter((m) => m.subject === lane.subject && m.seq <= floor);
}

/** Publishes `ids` as jobs on `subject`, 500 PubAcks in flight at most. */
async function publishJobs(js: JetStreamClient, subject: string, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await Promise.all(ids.slice(i, i + 500).map((id) => js.publish(subject, JSON.stringify({ id }))));
  }
}

/**
 * Every stored message of the stream, read one sequence at a time with plain `STREAM.MSG.GET`
 * (not the `next_by_subj` walk repair uses), so the test's view does not share repair's code.
 */
async function storedMessages(jsm: JetStreamManager, stream: string): Promise<StoredJob[]> {
  const { state } = await jsm.streams.info(stream);
  const out: StoredJob[] = [];
  for (let from = state.first_seq; state.messages > 0 && from <= state.last_seq; from += 200) {
    const seqs = Array.from({ length: Math.min(200, state.last_seq - from + 1) }, (_, i) => from + i);
    const got = await Promise.all(seqs.map((seq) => jsm.streams.getMessage(stream, { seq })));
    for (const m of got) if (m) out.push({ seq: m.seq, subject: m.subject, id: m.json<{ id: string }>().id });
  }
  return out;
}

/**
 * A raw nats.js worker: pulls and acks as fast as it can, recording every sequence it acked (or
 * tried to: an ack written just before a crash may never reach the server). Survives the server's
 * restarts: a failed pull is retried.
 */
function startWorker(consumer: Consumer, acked: Set<number>) {
  let running = true;
  let acks = 0;
  const done = (async () => {
    while (running) {
      try {
        const batch = await consumer.fetch({ max_messages: 100, expires: 1_000 });
        for await (const m of batch) {
          m.ack();
          acked.add(m.seq);
          acks++;
        }
        // Paced (about 4,000 acks/s on 2 cores) so that acks are still flowing when the server dies.
        await sleep(20);
      } catch {
        await sleep(50);
      }
    }
  })();
  return {
    /** Acks sent so far, redeliveries included. */
    acks: () => acks,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

// The CLI through commander in a child process (commander is an ES module Jest cannot load), with
// the repair command registered on a `streams` command as src/main.ts will.
const CLI_DRIVER = `
  const { Command } = require('commander');
  const { registerStreamRepairCommand } = require(${JSON.stringify(
    join(__dirname, '..', '..', 'src', 'commands', 'streams', 'repair-command.ts'),
  )});
  const program = new Command('jetbus').exitOverride();
  registerStreamRepairCommand(program.command('streams'));
  program.parseAsync(process.argv.slice(1), { from: 'user' }).catch((e) => { process.stderr.write(String(e.message) + '\\n'); process.exitCode = 2; });
`;

function jetbusStreams(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const register = join(__dirname, '..', '..', 'scripts', 'register-ts.js');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', register, '-e', CLI_DRIVER, '--', 'streams', ...args],
      { timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('stranded work-queue messages after nats-server kill -9', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let js: JetStreamClient;

  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 50 });
    jsm = await jetstreamManager(nc);
    js = jetstream(nc);
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  describe('after a kill -9 under load', () => {
    /** The stream the main test repairs, and one whose consumer is recreated mid-repair. */
    let main: Lane;
    let race: Lane;
    let kills = 0;
    const found = new Map<Lane, StoredJob[]>();

    beforeAll(async () => {
      main = await addLane(jsm, js, STREAM, 'str');
      // A wildcard filter: repair walks it with next_by_subj as the server matches it.
      race = await addLane(jsm, js, 'RACE', 'race', 'race.*');
      // Kill the server while the workers ack, restart it on the same store, until each stream
      // keeps messages at or below its consumer's ack floor.
      while ([main, race].some((lane) => !found.get(lane)?.length)) {
        if (kills === MAX_KILLS) throw new Error(`no stranded message after ${kills} server kill -9`);
        await publishJobs(js, main.subject, jobIds(main, TOP_UP));
        await publishJobs(js, race.subject, jobIds(race, TOP_UP / 2));
        const workers = [main, race].map((lane) => startWorker(lane.consumer, lane.acked));
        await waitFor('the workers acking', () => workers[0].acks() >= 1_500, 10_000, 2);
        await server.kill();
        kills++;
        await server.restart();
        await waitFor('the client back', () => jsm.streams.info(STREAM), 10_000);
        // The workers take the rest, and again the jobs whose ack died with the server (after ack_wait).
        for (const lane of [main, race]) {
          await waitFor(
            `${lane.stream} drained`,
            async () => {
              const info = await jsm.consumers.info(lane.stream, DURABLE);
              return info.num_pending === 0 && info.num_ack_pending === 0;
            },
            15_000,
          );
        }
        for (const w of workers) await w.stop();
        await nc.flush(); // acks written before the stop reach the server before the floors are read
        for (const lane of [main, race]) found.set(lane, await strandedIn(jsm, lane));
      }
      console.log(
        `stranded after ${kills} server kill -9: ${found.get(main)?.length} in ${main.stream}, ` +
          `${found.get(race)?.length} in ${race.stream}`,
      );
    });

    it('removes exactly the acked-but-kept messages; waiting and unacked jobs stay and are delivered', async () => {
      const { consumer, acked } = main;
      const floor = () => floorOf(jsm, main);

      // Jobs left waiting: on a subject no consumer takes, and on the worker's subject after it stopped.
      await publishJobs(js, WAITING, ['w-0', 'w-1', 'w-2', 'w-3', 'w-4']);
      await publishJobs(js, JOB, ['late-0', 'late-1', 'late-2', 'late-3', 'late-4', 'late-5']);
      // Delivered but never acked: pending above the floor (and handed out again after ack_wait).
      // late-3..5 stay undelivered.
      const unacked: JsMsg[] = [];
      for await (const m of await consumer.fetch({ max_messages: 3, expires: 1_000 })) unacked.push(m);
      expect(unacked.map((m) => m.json<{ id: string }>().id)).toEqual(['late-0', 'late-1', 'late-2']);

      const ackFloor = await floor();
      const before = await storedMessages(jsm, STREAM);
      const expected = before.filter((m) => m.subject === JOB && m.seq <= ackFloor);
      const keep = before.filter((m) => !(m.subject === JOB && m.seq <= ackFloor));
      // Stranded means acked: the worker acked every one of them.
      expect(seqsOf(expected)).toEqual(seqsOf(found.get(main) ?? []));
      expect(expected.length).toBeGreaterThan(0);
      expect(seqsOf(expected).filter((s) => !acked.has(s))).toEqual([]);
      expect(keep.map((m) => m.id)).toEqual([
        'w-0',
        'w-1',
        'w-2',
        'w-3',
        'w-4',
        'late-0',
        'late-1',
        'late-2',
        'late-3',
        'late-4',
        'late-5',
      ]);
      for (const m of unacked) expect(m.seq).toBeGreaterThan(ackFloor);

      // Dry run: exactly the stranded set, nothing deleted. The CLI says the same.
      const dry = await repairStream(jsm, STREAM, { dryRun: true });
      expect(dry).toMatchObject({
        stream: STREAM,
        dryRun: true,
        aborted: false,
        left: [],
        alreadyDeleted: [],
      });
      expect(seqsOf(dry.removed)).toEqual(seqsOf(expected));
      expect(dry.removed.every((m) => m.consumer === DURABLE && m.subject === JOB)).toBe(true);
      const cli = await jetbusStreams('repair', STREAM, '--dry-run', '--json', '-s', server.url);
      expect(cli).toMatchObject({ code: 0, stderr: '' });
      expect(seqsOf((JSON.parse(cli.stdout) as StreamRepairReport).removed)).toEqual(seqsOf(expected));
      expect(seqsOf(await storedMessages(jsm, STREAM))).toEqual(seqsOf(before));

      // Repair as a worker does at startup (other streams are skipped or warned about, never fatal):
      // exactly that set goes, everything else stays.
      await jsm.streams.add({ name: 'STR_LIMITS', subjects: ['strlim.>'] });
      const { logger, records } = captureLogs();
      const reports = await repairWorkQueues(jsm, [STREAM, 'STR_LIMITS', 'NO_SUCH_STREAM'], logger, {
        batchSize: 7,
      });
      expect(reports).toHaveLength(1);
      const [report] = reports;
      expect(report).toMatchObject({
        stream: STREAM,
        dryRun: false,
        aborted: false,
        left: [],
        alreadyDeleted: [],
      });
      expect(seqsOf(report.removed)).toEqual(seqsOf(expected));
      expect(records.map((r) => [r.level, r.stream, r.msg])).toEqual([
        [30, STREAM, expect.stringContaining('removed stranded work-queue messages')],
        [20, 'STR_LIMITS', expect.stringContaining('not a work queue, skipped')],
        [40, 'NO_SUCH_STREAM', expect.stringContaining('could not repair stream')],
      ]);
      expect(records[0]).toMatchObject({ removed: expected.length });
      expect(seqsOf(await storedMessages(jsm, STREAM))).toEqual(seqsOf(keep));
      expect(seqsOf((await repairStream(jsm, STREAM)).removed)).toEqual([]);

      // Every kept job is delivered: the unacked ones again after ack_wait, the waiting ones once a
      // consumer takes their subject. Then the work queue is empty.
      await jsm.consumers.add(STREAM, {
        durable_name: 'waiting',
        filter_subject: WAITING,
        ack_policy: AckPolicy.Explicit,
      });
      const waiting = await js.consumers.get(STREAM, 'waiting');
      const delivered = new Set<string>();
      await waitFor(
        'every kept job delivered and the work queue empty',
        async () => {
          for (const c of [consumer, waiting]) {
            for await (const m of await c.fetch({ max_messages: 1_000, expires: 1_000 })) {
              delivered.add(m.json<{ id: string }>().id);
              await m.ackAck();
            }
          }
          return (await jsm.streams.info(STREAM)).state.messages === 0;
        },
        15_000,
        0,
      );
      expect(keep.map((m) => m.id).filter((id) => !delivered.has(id))).toEqual([]);
      expect((await jsm.streams.info(STREAM)).state.messages).toBe(0);
    });

    it('leaves a batch whose consumer was recreated between the scan and the delete', async () => {
      const stranded = found.get(race) ?? [];
      expect(stranded.length).toBeGreaterThan(0);
      const config = (await jsm.consumers.info(race.stream, DURABLE)).config;
      // The first re-read of the consumer before a delete finds it deleted and recreated (same
      // name, same filter): a new instance whose floor says nothing about these messages.
      let recreated = false;
      const consumers = {
        list: (stream: string) => jsm.consumers.list(stream),
        info: async (stream: string, name: string) => {
          if (!recreated) {
            recreated = true;
            await jsm.consumers.delete(stream, name);
            await jsm.consumers.add(stream, { ...config, ack_wait: 60_000_000_000 });
          }
          return jsm.consumers.info(stream, name);
        },
      };
      const racing = Object.create(jsm, { consumers: { value: consumers } }) as JetStreamManager;

      const report = await repairStream(racing, race.stream, { batchSize: 5 });
      expect(recreated).toBe(true);
      expect(report.removed).toEqual([]);
      expect(report.left).toEqual(
        stranded.map((m) => ({
          seq: m.seq,
          subject: race.subject,
          consumer: DURABLE,
          reason: RepairLeftReasons.ConsumerChanged,
        })),
      );
      expect(seqsOf(await storedMessages(jsm, race.stream))).toEqual(seqsOf(stranded));
    });
  });

  it('keeps a message below the floor that the server gave up on (max_deliver), for the reaper', async () => {
    const stream = 'MAXD';
    await jsm.streams.add({
      name: 'ADV_CAPTURE',
      subjects: ['$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>'],
    });
    await jsm.streams.add({ name: stream, subjects: ['maxd.>'], retention: RetentionPolicy.Workqueue });
    await jsm.consumers.add(stream, {
      durable_name: 'once',
      ack_policy: AckPolicy.Explicit,
      max_deliver: 1,
      ack_wait: 500_000_000,
    });
    const c = await js.consumers.get(stream, 'once');
    for (const id of ['poison', 'ok-1', 'ok-2']) await js.publish('maxd.job', JSON.stringify({ id }));
    const poison = await c.next();
    for (const id of ['ok-1', 'ok-2']) {
      const m = await c.next();
      expect(m?.json()).toEqual({ id });
      await m?.ackAck();
    }
    // The poison job is never acked: after ack_wait the server gives up on it (max_deliver 1).
    await sleep(700);
    await c.next({ expires: 1_000 }); // a pull makes the server notice the expired deliveries
    await waitFor('the advisory', async () => (await jsm.streams.info('ADV_CAPTURE')).state.messages >= 1);
    await js.publish('maxd.job', JSON.stringify({ id: 'ok-3' }));
    await (await c.next())?.ackAck();
    await waitFor('the floor past the poison job', async () => {
      const info = await jsm.consumers.info(stream, 'once');
      return info.ack_floor.stream_seq >= (poison?.seq ?? Infinity) && info.num_ack_pending === 0;
    });
    expect((await jsm.streams.getMessage(stream, { seq: poison!.seq }))?.json()).toEqual({ id: 'poison' });

    const report = await repairStream(jsm, stream, { advisoryStream: 'ADV_CAPTURE' });
    expect(report.left).toContainEqual({
      seq: poison!.seq,
      subject: 'maxd.job',
      consumer: 'once',
      reason: RepairLeftReasons.MaxDelivered,
    });
    expect(seqsOf(report.removed)).not.toContain(poison!.seq);
    // Without the advisory stream nothing can be ruled out: still kept.
    const blind = await repairStream(jsm, stream, { advisoryStream: 'NO_SUCH_STREAM' });
    expect(blind.removed).toEqual([]);
    expect(blind.left.map((m) => m.reason)).toContain(RepairLeftReasons.MaxDeliveriesUnknown);
    expect(await jsm.streams.getMessage(stream, { seq: poison!.seq })).not.toBeNull();
  });

  it('refuses limits and interest streams, and names a missing stream', async () => {
    await jsm.streams.add({ name: 'LIMITS', subjects: ['lim.>'] });
    await jsm.streams.add({ name: 'INTEREST', subjects: ['int.>'], retention: RetentionPolicy.Interest });
    for (const [name, retention] of [
      ['LIMITS', 'limits'],
      ['INTEREST', 'interest'],
    ]) {
      const e = await failure(repairStream(jsm, name));
      expect(e).toBeInstanceOf(RepairNotSupportedError);
      expect(e).toMatchObject({ code: 'REPAIR_NOT_SUPPORTED', stream: name, retention });
    }
    const missing = await failure(repairStream(jsm, 'NO_SUCH_STREAM', { dryRun: true }));
    expect(missing).toBeInstanceOf(StreamNotFoundError);
    expect(missing).toMatchObject({ code: 'STREAM_NOT_FOUND', stream: 'NO_SUCH_STREAM' });

    const cli = await jetbusStreams('repair', 'LIMITS', '-s', server.url);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('only work-queue streams can be repaired');
  });
});
