import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { Kvm } from '@nats-io/kv';
import {
  JETBUS_CORE_VERSION,
  JetbusServer,
  JobHandler,
  NonRetryableError,
  Payload,
  WORKERS_BUCKET,
  type WorkerHeartbeat,
  listWorkers,
} from '@jetbus/core';
import { ChildWorker } from '../support/child-worker';
import { useJetbus } from '../support/use-jetbus';
import { sleep, waitFor } from '../support/wait-for';

/*
 * Worker heartbeats against a real nats-server: the JETBUS_WORKERS entry of a running JetbusServer
 * carries exact per-handler counts (the ones the settler counts for Prometheus), is deleted when the
 * server closes, and expires on its own when the process is killed.
 */

const INTERVAL_MS = 250;
/** The bucket's TTL: the first process to create it sets 3 of its intervals. */
const TTL_MS = 3 * INTERVAL_MS;

interface Job {
  n: number;
  fail?: boolean;
  hold?: boolean;
}

let release: () => void = () => undefined;
const held = new Promise<void>((resolve) => (release = resolve));

@Injectable()
class HeartbeatJobs {
  @JobHandler('hb.ok', { concurrency: 4 })
  async ok(@Payload() job: Job): Promise<void> {
    if (job.hold) await held;
    if (job.fail) throw new NonRetryableError(`job ${job.n} refused`);
  }

  @JobHandler('hb.flaky', { maxAttempts: 2, backoff: { type: 'fixed', delay: 50 } })
  flaky(@Payload() job: Job): void {
    if (job.fail) throw new Error(`job ${job.n} failed`);
  }
}

const handlerOf = (w: WorkerHeartbeat | undefined, handler: string) =>
  w?.handlers.find((h) => h.handler === handler);

/** The consumer settings a handler with default options provisions, as its heartbeat declares them. */
const provisioned = (subject: string) => ({
  ack_policy: 'explicit',
  ack_wait: 30e9,
  deliver_policy: 'all',
  filter_subject: subject,
  max_ack_pending: 1000,
  max_deliver: -1,
});

describe('worker heartbeats in JETBUS_WORKERS', () => {
  const t = useJetbus(
    {
      name: 'hb',
      streams: [{ name: 'HB', subjects: ['hb.>'], retention: 'workqueue' }],
      heartbeat: { interval: INTERVAL_MS },
    },
    [HeartbeatJobs],
  );
  const self = async () => (await listWorkers(t.jsm)).find((w) => w.name === 'hb' && w.pid === process.pid);

  it('reports the process and each handler with exact counts, in flight included', async () => {
    await t.bus.publish('hb.ok', { n: 0, hold: true });
    const running = await waitFor('the held job in flight', async () => {
      const w = await self();
      return handlerOf(w, 'HeartbeatJobs.ok')?.inFlight === 1 && w;
    });
    expect(running).toMatchObject({
      name: 'hb',
      user: 'anon',
      host: hostname(),
      pid: process.pid,
      version: JETBUS_CORE_VERSION,
    });
    expect(running.id).toMatch(/^anon\.[^.]+\.\d+\.[0-9a-f]{8}$/);
    expect(Date.parse(running.at)).toBeGreaterThanOrEqual(Date.parse(running.startedAt));

    // hb.ok: 9 more, 3 of them refused (dead-lettered at once). hb.flaky: 6, 2 of them fail on both
    // of their 2 attempts (retried once, then dead-lettered).
    for (let n = 1; n <= 9; n++) await t.bus.publish('hb.ok', { n, fail: n % 3 === 0 });
    for (let n = 1; n <= 6; n++) await t.bus.publish('hb.flaky', { n, fail: n > 4 });
    release();

    const settled = await waitFor('every job settled', async () => {
      const w = await self();
      const ok = handlerOf(w, 'HeartbeatJobs.ok');
      const flaky = handlerOf(w, 'HeartbeatJobs.flaky');
      return ok?.processed === 10 && flaky?.processed === 8 && w;
    });
    expect(settled.handlers.sort((a, b) => a.handler.localeCompare(b.handler))).toEqual([
      {
        handler: 'HeartbeatJobs.flaky',
        subject: 'hb.flaky',
        stream: 'HB',
        durable: 'hb_hb-flaky',
        concurrency: 8,
        inFlight: 0,
        processed: 8,
        failed: 4,
        retried: 2,
        deadLettered: 2,
        consumer: provisioned('hb.flaky'),
      },
      {
        handler: 'HeartbeatJobs.ok',
        subject: 'hb.ok',
        stream: 'HB',
        durable: 'hb_hb-ok',
        concurrency: 4,
        inFlight: 0,
        processed: 10,
        failed: 3,
        retried: 0,
        deadLettered: 3,
        consumer: provisioned('hb.ok'),
      },
    ]);
    expect((await t.jsm.streams.info('JETBUS_DLQ')).state.messages).toBe(5);
    // Nothing more happens: later beats carry the same counts.
    await sleep(2 * INTERVAL_MS);
    expect((await self())?.handlers.sort((a, b) => a.handler.localeCompare(b.handler))).toEqual(
      settled.handlers,
    );
  });

  it('creates the bucket with history 1 and a TTL of 3 intervals', async () => {
    const { config } = await t.jsm.streams.info(`KV_${WORKERS_BUCKET}`);
    expect(config.max_msgs_per_subject).toBe(1);
    expect(config.max_age).toBe(TTL_MS * 1_000_000);
  });

  it('deletes the entry when the server closes, and writes none with heartbeat: false', async () => {
    const app = await t.startApp({ name: 'hb-short', heartbeat: { interval: INTERVAL_MS } });
    await t.startApp({ name: 'hb-silent', heartbeat: false });
    const entry = await waitFor('the second app listed', async () =>
      (await listWorkers(t.connection)).find((w) => w.name === 'hb-short'),
    );
    await app.get(JetbusServer).close();
    // Deleted by close (a tombstone), not left to expire.
    expect((await listWorkers(t.jsm)).map((w) => w.name)).toEqual(['hb']);
    const kv = await new Kvm(t.js).open(WORKERS_BUCKET);
    expect((await kv.get(entry.id))?.operation).toBe('DEL');
  });

  it('writes again into a bucket that was deleted under it', async () => {
    await t.jsm.streams.delete(`KV_${WORKERS_BUCKET}`);
    await waitFor('the entry back', () => self());
  });

  it("drops a killed process's entry after the TTL", async () => {
    const child = await ChildWorker.start('heartbeat-worker.ts', {
      NATS_URL: t.server.url,
      SERVICE: 'hb-child',
      HEARTBEAT_MS: String(INTERVAL_MS),
    });
    t.onStop(() => child.crash());
    const entry = await waitFor('the child listed', async () =>
      (await listWorkers(t.jsm)).find((w) => w.pid === child.pid),
    );
    expect(entry).toMatchObject({ name: 'hb-child', handlers: [] });
    await child.crash();
    const killedAt = Date.now();
    await waitFor(
      'the killed child gone',
      async () => !(await listWorkers(t.jsm)).some((w) => w.pid === child.pid),
      10_000,
    );
    // Expired, not deleted: no tombstone is left behind, and never before its last beat's TTL.
    expect(Date.now() - killedAt).toBeLessThan(TTL_MS + 3_000);
    const kv = await new Kvm(t.js).open(WORKERS_BUCKET);
    expect(await kv.get(entry.id)).toBeNull();
    expect((await listWorkers(t.jsm)).map((w) => w.name)).toEqual(['hb']);
  });
});
