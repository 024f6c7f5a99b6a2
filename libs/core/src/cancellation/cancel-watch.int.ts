import {
  AckPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { type NatsConnection, connect, headers } from '@nats-io/transport-node';
import pino from 'pino';
import { NatsServer } from '@jetbus/testing';
import { JobCancelledError } from '../errors';
import { CANCELLED_BUCKET } from '../wire/job-control-names';
import { JOB_ID_HEADER } from '../wire/job-id-header';
import { CancelWatch } from './cancel-watch';
import { type CancelGuard, RunnerCancellation } from './runner-cancellation';
import { CancellationStore, type JobCancellation, cancellationKey } from './cancellation-store';

const log = pino({ level: 'silent' });
const REQUESTS = 50_000;
const MAX_IN_MEMORY = 1_000;
const HOUR = 3_600_000;

/** Records `count` cancel requests straight into the bucket (core publishes: no round trip each). */
async function recordRequests(nc: NatsConnection, ids: string[]): Promise<void> {
  const requestedAt = new Date().toISOString();
  for (const jobId of ids) {
    const value: JobCancellation = { jobId, state: 'requested', requestedAt };
    nc.publish(`$KV.${CANCELLED_BUCKET}.${cancellationKey(jobId)}`, JSON.stringify(value));
  }
  await nc.flush();
}

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const armed = async (guard: CancelGuard | Promise<CancelGuard>) => guard;

describe('CancelWatch: open requests held in bounded memory (real nats-server)', () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'JOBS', subjects: ['jobs.>'] });
    await jsm.consumers.add('JOBS', { durable_name: 'worker', ack_policy: AckPolicy.Explicit });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  /** Publishes a job with this id and takes its next delivery. */
  async function deliver(jobId: string): Promise<JsMsg> {
    const h = headers();
    h.set(JOB_ID_HEADER, jobId);
    await js.publish('jobs.run', '{}', { headers: h });
    return next();
  }
  async function next(): Promise<JsMsg> {
    const msg = await (await js.consumers.get('JOBS', 'worker')).next({ expires: 5_000 });
    if (!msg) throw new Error('no delivery');
    return msg;
  }

  it(`holds at most maxInMemory of ${REQUESTS} requests; queued jobs are still cancelled, running ones aborted`, async () => {
    const store = new CancellationStore(js, HOUR);
    const kv = await store.kv();
    const ids = Array.from({ length: REQUESTS }, (_, i) => `job-${i}`);
    await recordRequests(nc, ids);
    await until(`${REQUESTS} requests stored`, async () => (await kv.status()).values === REQUESTS);
    // The newest request is met by a worker: its outcome replaces it.
    const newest = (await store.get(ids[REQUESTS - 1]))!;
    await store.settled(newest, { while: 'queued', handler: 'Jobs.run', deadLettered: false });

    const watch = new CancelWatch(store, HOUR, log, MAX_IN_MEMORY);
    await watch.start();
    try {
      // Every open request was read; only the newest MAX_IN_MEMORY of them are held, no outcome.
      expect(watch.size).toBe(MAX_IN_MEMORY);
      expect(watch.complete()).toBe(false);
      expect(watch.get(cancellationKey(ids[0]))).toBeUndefined();
      expect(watch.get(cancellationKey(ids[REQUESTS - 2]))).toMatchObject({ state: 'requested' });
      expect(watch.get(cancellationKey(ids[REQUESTS - 1]))).toBeUndefined();

      const runner = new RunnerCancellation(watch, store, log);
      // Held in memory: cancelled with no round trip.
      const kept = await deliver(ids[REQUESTS - 2]);
      const inMemory = runner.arm(kept, new AbortController());
      expect(inMemory).not.toBeInstanceOf(Promise);
      expect((inMemory as CancelGuard).cancelled).toMatchObject({ jobId: ids[REQUESTS - 2] });
      kept.term();

      // Dropped from memory: looked up in the bucket, still cancelled while queued.
      const oldest = await deliver(ids[0]);
      const dropped = await armed(runner.arm(oldest, new AbortController()));
      expect([dropped.cancelled?.jobId, dropped.while]).toEqual([ids[0], 'queued']);
      oldest.term();

      // No request: runs; a request recorded while it runs aborts it.
      const controller = new AbortController();
      const late = await deliver('job-late');
      const running = await armed(runner.arm(late, controller));
      expect([running.cancelled, running.while]).toEqual([undefined, 'running']);
      await store.request('job-late');
      await expect(running.aborted).rejects.toBeInstanceOf(JobCancelledError);
      expect(controller.signal.reason).toBeInstanceOf(JobCancelledError);
      expect(running.while).toBe('running');
      running.dispose();
      late.term();

      // A new job under the id of one settled as cancelled runs; a redelivery of it does not.
      const again = await deliver(ids[REQUESTS - 1]);
      expect((await armed(runner.arm(again, new AbortController()))).cancelled).toBeUndefined();
      again.nak();
      const redelivered = await next();
      expect(redelivered.redelivered).toBe(true);
      const guard = await armed(runner.arm(redelivered, new AbortController()));
      expect(guard.cancelled).toMatchObject({ state: 'cancelled' });
      redelivered.term();
      // Still bounded after all of this.
      expect(watch.size).toBeLessThanOrEqual(MAX_IN_MEMORY);
    } finally {
      await watch.stop();
    }
  }, 120_000);
});

describe('CancelWatch: requests expire with the bucket, outcomes at once (real nats-server)', () => {
  let server: NatsServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it("drops each request at the bucket's TTL (the bucket's, not the one it was given)", async () => {
    const js = jetstream(nc);
    // The process that creates the bucket sets its TTL: 2 s here.
    const creator = new CancellationStore(js, 2_000);
    await creator.kv();
    const store = new CancellationStore(js, HOUR);
    const watch = new CancelWatch(store, HOUR, log, MAX_IN_MEMORY);
    await watch.start();
    try {
      for (const id of ['a', 'b', 'c']) await store.request(id);
      await until('the requests are held', () => watch.size === 3);
      const c = watch.get('c')!;
      await store.settled(c, { while: 'running', handler: 'Jobs.run', deadLettered: false });
      await until('the outcome dropped its request', () => watch.size === 2);
      await until('the requests expired', () => watch.get('a') === undefined && watch.size === 0, 15_000);
      expect(watch.complete()).toBe(true);
    } finally {
      await watch.stop();
    }
  }, 30_000);
});
