import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Injectable } from '@nestjs/common';
import { Kvm } from '@nats-io/kv';
import {
  Ctx,
  type JetbusContext,
  JetbusConfigError,
  JobHandler,
  NonRetryableError,
  Payload,
  UNIQUE_BUCKET,
  UNIQUE_KEY_HEADER,
} from '@jetbus/core';
import { ADVISORY_STREAM, reaperDurable } from '@jetbus/core/wire';
import { ChildWorker } from '../support/child-worker';
import { readDeadLetters } from '../support/dead-letters';
import { useJetbus } from '../support/use-jetbus';
import { sleep, waitFor } from '../support/wait-for';
import { WorkerFleet } from '../support/worker-fleet';

/** Every run of a handler: which job, with which unique key header. */
const runs: { subject: string; from: unknown; key: string | undefined }[] = [];
const runsOf = (subject: string) => runs.filter((r) => r.subject === subject);
let releaseSlow: (() => void) | undefined;

@Injectable()
class UniqueJobs {
  @JobHandler('uq.job', { concurrency: 8 })
  job(@Payload() job: { from: unknown }, @Ctx() ctx: JetbusContext): void {
    runs.push({ subject: ctx.subject, from: job.from, key: ctx.header(UNIQUE_KEY_HEADER) });
  }

  /** Fails for good: dead-lettered at once. */
  @JobHandler('uq.poison')
  poison(@Payload() job: { n: number }, @Ctx() ctx: JetbusContext): void {
    runs.push({ subject: ctx.subject, from: job.n, key: ctx.header(UNIQUE_KEY_HEADER) });
    throw new NonRetryableError('bad job');
  }

  /** Runs until the test lets it finish, so the test can publish while it runs. */
  @JobHandler('uq.slow', { concurrency: 2 })
  async slow(@Payload() job: { n: number }, @Ctx() ctx: JetbusContext): Promise<void> {
    runs.push({ subject: ctx.subject, from: job.n, key: ctx.header(UNIQUE_KEY_HEADER) });
    await new Promise<void>((r) => (releaseSlow = r));
  }
}

describe('unique jobs (real nats-server, 4 producer processes)', () => {
  const t = useJetbus(
    {
      name: 'uq',
      // A 1 s duplicate window: the unique key must hold past it.
      streams: [
        { name: 'UQ', subjects: ['uq.>'], retention: 'limits', duplicateWindow: '1s' },
        // Worked by crash-worker processes (test/fixtures), which also run the reaper for it.
        { name: 'CRASH', subjects: ['crash.>'], retention: 'workqueue' },
      ],
    },
    [UniqueJobs],
  );
  const children: ChildWorker[] = [];
  let fleet: WorkerFleet | undefined;
  t.onStop(() => Promise.all([...children.map((c) => c.crash()), fleet?.stop()]));

  /** How many messages the UQ stream holds on `subject`. */
  async function stored(subject: string): Promise<number> {
    const info = await t.jsm.streams.info('UQ', { subjects_filter: subject });
    return info.state.subjects?.[subject] ?? 0;
  }

  it('200 concurrent publishes of one key from 4 processes store and run exactly one job; after `for` a new one is accepted', async () => {
    const key = 'report:tenant-7';
    const env = { NATS_URL: t.server.url, KEY: key, FOR: '4s', COUNT: '50', GO_SUBJECT: 'test.uq.go' };
    children.push(
      ...(await Promise.all([1, 2, 3, 4].map(() => ChildWorker.start('unique-publisher.ts', env)))),
    );
    t.nc.publish('test.uq.go');
    await Promise.all(children.map((c) => c.exited));
    const totals = children
      .map((c) => /RESULT (\d+) (\d+) (\d+)/.exec(c.log))
      .map((m) => {
        if (!m) throw new Error(`a producer printed no RESULT:\n${children.map((c) => c.log).join('\n')}`);
        return m.slice(1).map(Number);
      })
      .reduce((a, b) => a.map((v, i) => v + b[i]), [0, 0, 0]);
    expect(totals).toEqual([1, 199, 0]); // acquired, refused, failed
    expect(await stored('uq.job')).toBe(1);
    await waitFor('the one job ran', () => runsOf('uq.job').length === 1, 15_000);

    // Past the stream's 1 s duplicate window, still inside `for`: refused, nothing stored.
    await sleep(1_200);
    const refused = await t.bus.publish('uq.job', { from: 'parent' }, { unique: { key, for: '4s' } });
    expect(refused).toMatchObject({ duplicate: true, seq: 0, unique: { key, acquired: false } });
    expect(await stored('uq.job')).toBe(1);

    // Once `for` passed (by the holder's own expiry), the key is taken over.
    const heldUntil = refused.unique.heldUntil!.getTime();
    await sleep(Math.max(0, heldUntil - Date.now()) + 50);
    const again = await t.bus.publish('uq.job', { from: 'after-expiry' }, { unique: { key, for: '4s' } });
    expect(again).toMatchObject({ duplicate: false, stream: 'UQ', unique: { key, acquired: true } });
    expect(await stored('uq.job')).toBe(2);
    await waitFor('the second job ran', () => runsOf('uq.job').length === 2, 15_000);
    expect(runsOf('uq.job').map((r) => r.key)).toEqual([key, key]);
  }, 60_000);

  it("until: 'completed' frees the key once the job is acked, and not before", async () => {
    const unique = { key: 'slow-1', for: '60s', until: 'completed' as const };
    const first = await t.bus.publish('uq.slow', { n: 1 }, { unique });
    expect(first.unique.acquired).toBe(true);
    await waitFor('the job runs', () => runsOf('uq.slow').length === 1 && releaseSlow, 15_000);
    // Running (not acked yet): still held.
    const whileRunning = await t.bus.publish('uq.slow', { n: 2 }, { unique });
    expect(whileRunning.unique.acquired).toBe(false);
    const kv = await new Kvm(t.js).open(UNIQUE_BUCKET);
    expect((await kv.get('slow-1'))?.operation).toBe('PUT');

    releaseSlow!();
    // The worker deletes the entry after the ack.
    await waitFor('the key is freed', async () => (await kv.get('slow-1'))?.operation === 'DEL', 15_000);
    const after = await t.bus.publish('uq.slow', { n: 3 }, { unique });
    expect(after.unique.acquired).toBe(true);
    await waitFor('the next job runs', () => runsOf('uq.slow').length === 2, 15_000);
    expect(runsOf('uq.slow').map((r) => r.from)).toEqual([1, 3]);
    releaseSlow!();
  }, 40_000);

  it("until: 'completed' frees the key once its worker dead-lettered the job; `for` alone does not", async () => {
    const kv = await new Kvm(t.js).open(UNIQUE_BUCKET);
    const completed = await t.bus.publish(
      'uq.poison',
      { n: 1 },
      { unique: { key: 'poison-1', for: '60s', until: 'completed' } },
    );
    const expired = await t.bus.publish('uq.poison', { n: 2 }, { unique: { key: 'poison-2', for: '60s' } });
    expect([completed.unique.acquired, expired.unique.acquired]).toEqual([true, true]);
    await waitFor('poison-1 freed', async () => (await kv.get('poison-1'))?.operation === 'DEL', 15_000);
    await waitFor(
      'both dead-lettered',
      async () => (await readDeadLetters(t.jsm)).filter((d) => d.subject === 'uq.poison').length === 2,
      15_000,
    );
    expect((await kv.get('poison-2'))?.operation).toBe('PUT');
    expect(
      (await t.bus.publish('uq.poison', { n: 3 }, { unique: { key: 'poison-2', for: '60s' } })).unique
        .acquired,
    ).toBe(false);
  });

  it("until: 'completed' frees the key once the reaper dead-lettered the job (its worker died on every attempt)", async () => {
    // Isolation off: every delivery ends its worker (SIGKILL mid-job), the server gives up after
    // max_deliver 2, and only the reaper, reading the advisory, can dead-letter the job.
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'jetbus-uq-reaped-')), 'done.txt');
    fleet = new WorkerFleet('crash-worker.ts', 1, {
      NATS_URL: t.server.url,
      OUT: out,
      MAX_ATTEMPTS: '2',
      CRASH_LIMIT: '0',
    });
    await fleet.start();
    const kv = await new Kvm(t.js).open(UNIQUE_BUCKET);
    const unique = { key: 'reaped-1', for: '10m', until: 'completed' as const };
    const poison = await t.bus.publish('crash.job', { id: 'reaped-1', poison: true }, { unique });
    expect(poison.unique.acquired).toBe(true);
    expect((await t.bus.publish('crash.job', { id: 'refused' }, { unique })).unique.acquired).toBe(false);

    await waitFor(
      'the reaper dead-lettered the job',
      async () => (await readDeadLetters(t.jsm)).find((d) => d.stream === 'CRASH' && d.seq === poison.seq),
      60_000,
      100,
    );
    // Long before `for` ends: the next publish takes the key (a refused publish stores nothing).
    await waitFor(
      'the key is free again',
      async () =>
        (await t.bus.publish('crash.job', { id: 'next' }, { unique: { key: unique.key, for: '10m' } })).unique
          .acquired,
      15_000,
      100,
    );
    const taken = await kv.get(unique.key);
    expect(taken?.operation).toBe('PUT');
    await waitFor('the next job ran', () => existsSync(out) && readFileSync(out, 'utf8').includes('next '));
    // The reaper is done with the advisory (so nothing of it can still run), then the workers stop.
    await waitFor('the reaper acked the advisory', async () => {
      const reaper = await t.jsm.consumers.info(ADVISORY_STREAM, reaperDurable('CRASH'));
      return reaper.num_pending === 0 && reaper.num_ack_pending === 0;
    });
    await fleet.stop();
    const dead = (await readDeadLetters(t.jsm)).filter((d) => d.stream === 'CRASH');
    expect(dead.map((d) => [d.seq, d.reason])).toEqual([[poison.seq, 'max-deliveries']]);
    // The key the reaper freed stays with the job that took it next.
    const entry = await kv.get(unique.key);
    expect([entry?.operation, entry?.revision]).toEqual(['PUT', taken!.revision]);
  }, 90_000);

  it('a publish that fails after acquiring frees the key', async () => {
    const unique = { key: 'no-stream', for: '60s' };
    await expect(t.bus.publish('nostream.job', {}, { unique })).rejects.toMatchObject({
      code: expect.any(String),
    });
    const kv = await new Kvm(t.js).open(UNIQUE_BUCKET);
    expect((await kv.get('no-stream'))?.operation).toBe('DEL');
  });

  it.each([
    ['empty key', { key: '', for: '1s' }, 'unique.key'],
    ['key too long', { key: 'k'.repeat(257), for: '1s' }, 'unique.key'],
    ['no for', { key: 'k' }, 'unique.for'],
    ['for zero', { key: 'k', for: 0 }, 'unique.for'],
    ['bad until', { key: 'k', for: '1s', until: 'never' }, 'unique.until'],
    ['unknown option', { key: 'k', for: '1s', ttl: '1s' }, 'unique.ttl'],
  ])(
    'bad unique (%s) is a JetbusConfigError naming the option, nothing stored',
    async (_what, unique, option) => {
      const before = await stored('uq.job');
      const err = await t.bus.publish('uq.job', {}, { unique: unique as never }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JetbusConfigError);
      expect((err as JetbusConfigError).option).toBe(option);
      expect(await stored('uq.job')).toBe(before);
    },
  );
});
