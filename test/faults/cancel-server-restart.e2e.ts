import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kvm } from '@nats-io/kv';
import { UNIQUE_BUCKET } from '@jetbus/core';
import { ChildWorker } from '../support/child-worker';
import { useJetbus } from '../support/use-jetbus';
import { sleep, waitFor } from '../support/wait-for';

const JOBS = 48;
/** Cancelled once the server is back: the tail of the queue. */
const CANCEL_FROM = 24;

/**
 * Cancellation and unique keys across a nats-server `kill -9` and restart: the worker's watch of
 * JETBUS_CANCELLED resumes, so a job cancelled after the restart and not started by then never
 * runs; every job either completed or was settled as cancelled, none both, none lost; every unique
 * key is freed.
 */
describe('cancellation and unique keys: nats-server kill -9 and restart', () => {
  const t = useJetbus({
    name: 'producer',
    reconnectTimeWait: 100,
    cancellation: {},
    streams: [{ name: 'CX', subjects: ['cx.>'], retention: 'workqueue' }],
  });
  let worker: ChildWorker | undefined;
  t.onStop(async () => worker?.crash());

  it('meets every cancel made after the restart, completes the rest, frees every key', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jetbus-cx-rst-'));
    const env = { NATS_URL: t.server.url, RUNS: path.join(dir, 'runs.txt'), OUT: path.join(dir, 'out.txt') };
    const lines = (file: string) =>
      existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    worker = await ChildWorker.start('cancel-worker.ts', env);
    const ids = Array.from({ length: JOBS }, (_, i) => `r-${i}`);
    for (const id of ids)
      await t.bus.publish(
        'cx.job',
        { id, workMs: 500 },
        { jobId: id, unique: { key: `k-${id}`, for: '10m', until: 'completed' } },
      );
    await waitFor('some jobs done', () => lines(env.OUT).length >= 4);
    await t.server.kill();
    await sleep(500);
    await t.server.restart();
    const cancelled = ids.slice(CANCEL_FROM);
    const cancelledAt = new Map<string, number>();
    await Promise.all(
      cancelled.map(async (id) => {
        await waitFor(`cancel ${id}`, () => t.bus.cancel(id).then(() => true), 15_000, 200);
        cancelledAt.set(id, Date.now());
      }),
    );
    // The watch must have resumed: some cancelled jobs were still queued.

    await waitFor(
      'the consumer done: nothing pending, nothing unacked',
      async () => {
        const c = await t.jsm.consumers.info('CX', 'cx_cx-job');
        return c.num_pending === 0 && c.num_ack_pending === 0;
      },
      60_000,
      100,
    ).catch(async (e: unknown) => {
      const c = await t.jsm.consumers.info('CX', 'cx_cx-job');
      const info = await t.jsm.streams.info('CX');
      console.log(
        `DIAG ${JSON.stringify(c)}\n${JSON.stringify(info.state)}\nOUT ${lines(env.OUT).length} RUNS ${lines(env.RUNS).length}\n${worker!.log}`,
      );
      throw e;
    });
    const completed = new Set(lines(env.OUT).map((l) => l.split(' ')[0]));
    const starts = new Map<string, number>();
    for (const l of lines(env.RUNS)) {
      const [id, , , ms] = l.split(' ');
      if (!starts.has(id)) starts.set(id, Number(ms));
    }
    // Not cancelled: completed. Cancelled: completed only if it started before its cancel (a job
    // started just after may run until the watch sees the request, then is aborted).
    for (const id of ids.slice(0, CANCEL_FROM)) expect([id, completed.has(id)]).toEqual([id, true]);
    expect(cancelled.filter((id) => !completed.has(id)).length).toBeGreaterThan(0);
    const completedAfterCancel = cancelled.filter(
      (id) => completed.has(id) && starts.get(id)! > cancelledAt.get(id)!,
    );
    expect(completedAfterCancel).toEqual([]);
    for (const id of cancelled) {
      const state = (await t.bus.cancellation(id))?.state;
      expect([id, completed.has(id) ? 'completed' : state]).toEqual([
        id,
        completed.has(id) ? 'completed' : 'cancelled',
      ]);
    }
    const kv = await new Kvm(t.js).open(UNIQUE_BUCKET);
    const held: string[] = [];
    for (const id of ids) if ((await kv.get(`k-${id}`))?.operation === 'PUT') held.push(id);
    expect(held).toEqual([]);
    console.log(
      `cancel across restart: ${JOBS} jobs, ${cancelled.length} cancelled after it, ` +
        `${cancelled.filter((id) => !completed.has(id)).length} of them never completed`,
    );
  }, 90_000);
});
