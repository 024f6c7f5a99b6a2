import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kvm } from '@nats-io/kv';
import { UNIQUE_BUCKET } from '@jetbus/core';
import { ChildWorker } from '../support/child-worker';
import { RequestFaultProxy } from '../support/request-fault-proxy';
import { readDeadLetters } from '../support/dead-letters';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

const JOBS = 12;
/** Cancelled while their worker is being killed: the 4 running ones and 2 queued ones. */
const RUNNING = ['cx-0', 'cx-1', 'cx-2', 'cx-3'];
const CANCELLED = [...RUNNING, 'cx-8', 'cx-9'];

/**
 * Cancellation requested at the moment the worker running the jobs is `kill -9`'d: the redelivered
 * cancelled jobs are terminated without running (recorded as cancelled), every other job completes
 * once, nothing is dead-lettered, and every unique key (`until: 'completed'`) is freed.
 */
describe('cancellation while the worker is killed', () => {
  const t = useJetbus({
    name: 'producer',
    cancellation: {},
    streams: [{ name: 'CX', subjects: ['cx.>'], retention: 'workqueue' }],
  });
  const workers: ChildWorker[] = [];
  let proxy: RequestFaultProxy | undefined;
  t.onStop(() => Promise.all([...workers.map((w) => w.crash()), proxy?.close()]));

  it('terms the cancelled jobs on redelivery, completes the others, frees every key', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jetbus-cx-kill-'));
    const env = { NATS_URL: t.server.url, RUNS: path.join(dir, 'runs.txt'), OUT: path.join(dir, 'out.txt') };
    const read = (file: string) =>
      existsSync(file)
        ? readFileSync(file, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => l.split(' ')[0])
        : [];
    const first = await ChildWorker.start('cancel-worker.ts', env);
    workers.push(first);
    const ids = Array.from({ length: JOBS }, (_, i) => `cx-${i}`);
    for (const id of ids)
      await t.bus.publish(
        'cx.job',
        { id, workMs: 1_500 },
        { jobId: id, unique: { key: `k-${id}`, for: '10m', until: 'completed' } },
      );
    await waitFor('4 jobs running', () => read(env.RUNS).length >= 4);
    expect(read(env.RUNS).sort()).toEqual(RUNNING);
    await Promise.all([first.crash(), ...CANCELLED.map((id) => t.bus.cancel(id))]);
    workers.push(await ChildWorker.start('cancel-worker.ts', env));

    await waitFor(
      'every job settled',
      async () => (await t.jsm.streams.info('CX')).state.messages === 0,
      60_000,
      100,
    );
    const completed = read(env.OUT);
    expect([...completed].sort()).toEqual(ids.filter((id) => !CANCELLED.includes(id)).sort());
    // The cancelled jobs that had not started never ran; the running ones never ran again.
    const runs = read(env.RUNS);
    for (const id of CANCELLED)
      expect([id, runs.filter((r) => r === id).length]).toEqual([id, RUNNING.includes(id) ? 1 : 0]);
    for (const id of CANCELLED)
      expect([id, (await t.bus.cancellation(id))?.state]).toEqual([id, 'cancelled']);
    expect((await readDeadLetters(t.jsm).catch(() => [])).filter((d) => d.stream === 'CX')).toEqual([]);
    const kv = await new Kvm(t.js).open(UNIQUE_BUCKET);
    const held: string[] = [];
    for (const id of ids) if ((await kv.get(`k-${id}`))?.operation === 'PUT') held.push(id);
    expect(held).toEqual([]);
  }, 60_000);

  it('a worker killed while recording a cancel outcome leaves the job cancelled, not its request open', async () => {
    // The worker reaches nats-server through a proxy that drops its writes to JETBUS_CANCELLED, so it
    // is killed with the outcome of a cancelled running job unwritten.
    for (const w of workers.splice(0)) await w.crash();
    proxy = await RequestFaultProxy.start(t.server.port);
    proxy.fail('$KV.JETBUS_CANCELLED.>', 'unanswered', { times: Infinity });
    let recording!: () => void;
    const recordSent = new Promise<void>((r) => (recording = r));
    proxy.onRequest = (subject) => {
      if (subject.startsWith('$KV.JETBUS_CANCELLED.')) recording();
    };
    const dir = mkdtempSync(path.join(tmpdir(), 'jetbus-cx-record-'));
    const env = { RUNS: path.join(dir, 'runs.txt'), OUT: path.join(dir, 'out.txt') };
    const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
    const proxied = await ChildWorker.start('cancel-worker.ts', { ...env, NATS_URL: proxy.url });
    workers.push(proxied);
    await t.bus.publish('cx.job', { id: 'rec', workMs: 60_000 }, { jobId: 'rec' });
    await waitFor('the job running', () => read(env.RUNS).includes('rec '));
    await t.bus.cancel('rec');
    await recordSent;
    await proxied.crash();
    workers.push(await ChildWorker.start('cancel-worker.ts', { ...env, NATS_URL: t.server.url }));

    // The job is settled as cancelled, and says so.
    await waitFor(
      'the job gone from the stream',
      async () => (await t.jsm.streams.info('CX')).state.messages === 0,
    );
    await waitFor(
      'the cancellation recorded',
      async () => (await t.bus.cancellation('rec'))?.state === 'cancelled',
      10_000,
      100,
    );
    // So a new job under that id runs, as for any job settled as cancelled.
    await t.bus.publish('cx.job', { id: 'rec-again', workMs: 1 }, { jobId: 'rec' });
    await waitFor('the new job under that id ran', () => read(env.OUT).includes('rec-again '), 15_000);
    expect(
      read(env.RUNS)
        .split('\n')
        .filter((l) => l.startsWith('rec ')).length,
    ).toBe(1);
  }, 60_000);
});
