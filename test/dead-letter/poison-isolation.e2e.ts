import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type INestApplicationContext } from '@nestjs/common';
import { JetbusClient, JetbusConnection } from '@jetbus/core';
import { NatsServer } from '@jetbus/testing';
import { ChildWorker } from '../support/child-worker';
import { readDeadLetters } from '../support/dead-letters';
import { startJetbusApp, uniqueName } from '../support/jetbus-app';
import { sleep, waitFor } from '../support/wait-for';

/**
 * One crash job among slow jobs on a worker that runs them all at once. After a crash the server
 * redelivers everything the dead worker held, together: without isolation the crash job kills the
 * process again each time and takes every bystander with it to `max-deliveries`.
 */
describe('poison isolation: one crash job among 15 slow ones at concurrency 16', () => {
  let server: NatsServer;
  let producer: INestApplicationContext;
  let worker: ChildWorker | undefined;
  let supervising = true;

  beforeAll(async () => {
    server = await NatsServer.start();
    producer = await startJetbusApp(
      {
        servers: server.url,
        name: 'producer',
        logger: false,
        streams: [{ name: 'CRASH', subjects: ['crash.>'], retention: 'workqueue' }],
      },
      [],
    );
  });
  afterAll(async () => {
    supervising = false;
    await worker?.crash();
    await producer?.close();
    await server?.stop();
  });

  it('completes all 15 bystanders once each and dead-letters only the crash job', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'jetbus-isolation-')), 'done.txt');
    const env = { NATS_URL: server.url, OUT: out, MAX_ATTEMPTS: '3', CONCURRENCY: '16', SLEEP_MS: '300' };
    worker = await ChildWorker.start('crash-worker.ts', env);
    let crashes = 0;
    const supervisor = (async () => {
      while (supervising) {
        if (worker && worker.child.exitCode === null && worker.child.signalCode === null) {
          await sleep(50);
          continue;
        }
        crashes++;
        worker = await ChildWorker.start('crash-worker.ts', env).catch(() => undefined);
      }
    })();

    const run = uniqueName('r');
    const slow = Array.from({ length: 15 }, (_, i) => ({ id: `${run}-slow-${i}` }));
    const jobs = [...slow.slice(0, 8), { id: `${run}-crash`, poison: true }, ...slow.slice(8)];
    const acks = await producer
      .get(JetbusClient)
      .publishMany(jobs.map((data) => ({ subject: 'crash.job', data })));
    const crashSeq = acks[8].seq;

    const lines = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []);
    const { jsm } = producer.get(JetbusConnection);
    await waitFor(
      'the bystanders done and the crash job dead-lettered',
      async () =>
        new Set(lines().map((l) => l.split(' ')[0])).size === 15 &&
        (await jsm.streams.info('JETBUS_DLQ').catch(() => undefined))?.state.messages === 1,
      60_000,
      100,
    );
    supervising = false;
    await supervisor;

    const completed = lines().map((l) => l.split(' ')[0]);
    expect(completed.sort()).toEqual(slow.map((j) => j.id).sort()); // each exactly once
    const dead = await readDeadLetters(jsm);
    expect(dead.map((d) => [d.seq, d.reason])).toEqual([[crashSeq, 'max-deliveries']]);
    // Bystanders were redelivered after the first crash but never counted as attempts.
    expect(lines().every((l) => l.split(' ')[1] === '1')).toBe(true);
    expect(crashes).toBe(3); // once among the others, twice alone
    await waitFor('work queue emptied', async () => (await jsm.streams.info('CRASH')).state.messages === 0);
  });
});
