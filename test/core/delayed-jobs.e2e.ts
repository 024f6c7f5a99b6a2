import { Injectable } from '@nestjs/common';
import {
  Ctx,
  DELIVER_AT_HEADER,
  JetbusConfigError,
  type JetbusContext,
  JetbusMetrics,
  JobHandler,
  Payload,
  SCHEDULED_STREAM,
  type ScheduledPubAck,
} from '@jetbus/core';
import { Kvm } from '@nats-io/kv';
import { failure } from '../support/failure';
import { useJetbus } from '../support/use-jetbus';
import { sleep, waitFor } from '../support/wait-for';

/** Every run of the handler: job id (payload), when it ran, the headers it saw. */
const runs: { id: string; at: number; jobId: string | undefined; deliverAt: string | undefined }[] = [];
const runsOf = (id: string) => runs.filter((r) => r.id === id);

@Injectable()
class DelayedJobs {
  @JobHandler('dly.job', { concurrency: 32 })
  handle(@Payload() job: { id: string }, @Ctx() ctx: JetbusContext): void {
    runs.push({
      id: job.id,
      at: Date.now(),
      jobId: ctx.header('Jetbus-Job-Id'),
      deliverAt: ctx.header(DELIVER_AT_HEADER),
    });
  }
}

describe('delayed jobs and cancellation (one worker app, real nats-server)', () => {
  const t = useJetbus(
    {
      name: 'dly',
      scheduling: {},
      // limits: the stream keeps every release, so the tests can count copies per job.
      streams: [{ name: 'DLY', subjects: ['dly.>'], retention: 'limits' }],
    },
    [DelayedJobs],
  );

  /** How many copies of each job the target stream holds (each release is one message). */
  async function copiesIn(stream: string): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const info = await t.jsm.streams.info(stream);
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await t.jsm.streams.getMessage(stream, { seq });
      const id = m?.header.get('Jetbus-Job-Id');
      if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }

  it('runs a delayed job once, not before it is due, carrying its job id', async () => {
    const ack = await t.bus.publish('dly.job', { id: 'one' }, { delay: 1_500 });
    expect(ack).toMatchObject({ stream: SCHEDULED_STREAM, duplicate: false });
    expect(typeof ack.jobId).toBe('string');
    const due = ack.deliverAt.getTime();
    await waitFor('the job ran', () => runsOf('one').length > 0, 15_000);
    const [run] = runsOf('one');
    expect(run.at).toBeGreaterThanOrEqual(due);
    expect(run.jobId).toBe(ack.jobId);
    expect(run.deliverAt).toBe(ack.deliverAt.toISOString());
    await sleep(300);
    expect(runsOf('one')).toHaveLength(1);
  });

  it('runs a job with deliverAt in the past (or delay 0) at once, through the scheduling stream', async () => {
    const past = await t.bus.publish('dly.job', { id: 'past' }, { deliverAt: new Date(Date.now() - 60_000) });
    const zero = await t.bus.publish('dly.job', { id: 'zero' }, { delay: 0, jobId: 'zero-job' });
    expect(past.stream).toBe(SCHEDULED_STREAM);
    expect(zero.jobId).toBe('zero-job');
    await waitFor('both ran', () => runsOf('past').length && runsOf('zero').length, 15_000);
  });

  it('cancel before the due time: reported cancelled, never run, gone from the listing', async () => {
    const doomed = await t.bus.publish('dly.job', { id: 'doomed' }, { delay: '2s' });
    // Due after the doomed job: once it ran, the doomed one would have run too.
    const sentinel = await t.bus.publish('dly.job', { id: 'sentinel-1' }, { delay: '2500ms' });
    const listed = await t.bus.listScheduled({ subject: 'dly.job' });
    expect(listed.jobs.map((j) => j.jobId)).toEqual(expect.arrayContaining([doomed.jobId, sentinel.jobId]));

    const result = await t.bus.cancel(doomed.jobId);
    expect(result).toMatchObject({ jobId: doomed.jobId, outcome: 'cancelled', job: { subject: 'dly.job' } });
    expect((await t.bus.cancel(doomed.jobId)).outcome).toBe('cancelled'); // idempotent
    const after = await t.bus.listScheduled({ subject: 'dly.job' });
    expect(after.jobs.map((j) => j.jobId)).not.toContain(doomed.jobId);

    await waitFor('the sentinel ran', () => runsOf('sentinel-1').length > 0, 15_000);
    expect(runsOf('doomed')).toEqual([]);
    expect((await copiesIn('DLY')).get(doomed.jobId)).toBeUndefined();
  });

  it('cancel after the release: reported released; an unknown id: not-found', async () => {
    const ack = await t.bus.publish('dly.job', { id: 'early' }, { delay: 200 });
    await waitFor('the job ran', () => runsOf('early').length > 0, 15_000);
    expect(await t.bus.cancel(ack.jobId)).toMatchObject({ jobId: ack.jobId, outcome: 'released' });
    expect(await t.bus.cancel('no-such-job')).toEqual({ jobId: 'no-such-job', outcome: 'not-found' });
  });

  it('a job id scheduled again after its job was cancelled or released is a new job: it runs, and cancel acts on it', async () => {
    // Distinct msgIds, so the scheduling stream stores each (without one, a re-publish within its
    // duplicate window is answered duplicate: true). Before, the outcome of the first job under the
    // id decided every later one: the job scheduled again after a cancel was dropped at its due time
    // after its PubAck, one released within the target's duplicate window of the first release was
    // dropped as a duplicate, and cancelling one scheduled after a release reported `released`.
    const id = 'again';
    await t.bus.publish('dly.job', { id: 'again-1' }, { delay: '5s', jobId: id, msgId: 'again-a' });
    expect((await t.bus.cancel(id)).outcome).toBe('cancelled');
    const second = await t.bus.publish(
      'dly.job',
      { id: 'again-2' },
      { delay: 300, jobId: id, msgId: 'again-b' },
    );
    expect(second.duplicate).toBe(false);
    await waitFor('the job scheduled again after a cancel ran', () => runsOf('again-2').length > 0, 15_000);
    const third = await t.bus.publish(
      'dly.job',
      { id: 'again-3' },
      { delay: '2s', jobId: id, msgId: 'again-c' },
    );
    expect(await t.bus.cancel(id)).toMatchObject({ outcome: 'cancelled', job: { seq: third.seq } });
    await t.bus.publish('dly.job', { id: 'again-4' }, { delay: 300, jobId: id, msgId: 'again-d' });
    await waitFor('the job scheduled again after a release ran', () => runsOf('again-4').length > 0, 15_000);
    await sleep(2_500); // past the cancelled third job's due time
    expect(['again-1', 'again-2', 'again-3', 'again-4'].map((j) => runsOf(j).length)).toEqual([0, 1, 0, 1]);
    expect(runsOf('again-4')[0].jobId).toBe(id);
    expect((await t.bus.cancel(id)).outcome).toBe('released');
  });

  it('a job id scheduled twice and both waiting: one cancel cancels both', async () => {
    const older = await t.bus.publish(
      'dly.job',
      { id: 'both-1' },
      { delay: 1_500, jobId: 'both', msgId: 'both-a' },
    );
    const newer = await t.bus.publish(
      'dly.job',
      { id: 'both-2' },
      { delay: 1_000, jobId: 'both', msgId: 'both-b' },
    );
    expect(newer.seq).toBeGreaterThan(older.seq);
    expect(await t.bus.cancel('both')).toMatchObject({ outcome: 'cancelled', job: { seq: newer.seq } });
    await sleep(2_500);
    expect([runsOf('both-1').length, runsOf('both-2').length]).toEqual([0, 0]);
    expect(
      (await t.bus.listScheduled({ subject: 'dly.job' })).jobs.filter((j) => j.jobId === 'both'),
    ).toEqual([]);
  });

  it('an outcome under the job id alone (an older jetbus) holds for the entries stored before it, not after', async () => {
    const outcomes = await new Kvm(t.js).open(`${SCHEDULED_STREAM}_OUTCOMES`);
    // Stored, then cancelled by an older jetbus whose call died before deleting the entry.
    await t.bus.publish('dly.job', { id: 'legacy-1' }, { delay: 300, jobId: 'legacy', msgId: 'legacy-a' });
    await outcomes.put('legacy', 'cancelled');
    // Scheduled again after that outcome was written: a new job.
    await sleep(20);
    await t.bus.publish('dly.job', { id: 'legacy-2' }, { delay: 300, jobId: 'legacy', msgId: 'legacy-b' });
    await waitFor('the job scheduled after the old outcome ran', () => runsOf('legacy-2').length > 0, 15_000);
    await sleep(500);
    expect(runsOf('legacy-1')).toHaveLength(0);
    expect(
      (await t.jsm.streams.info(SCHEDULED_STREAM, { subjects_filter: 'jetbus.scheduled.legacy.>' })).state
        .messages,
    ).toBe(0);
  });

  it('a second publish of a job id within the duplicate window: duplicate, the first seq, the first due time stands', async () => {
    const first = await t.bus.publish('dly.job', { id: 'twice-1' }, { delay: 400, jobId: 'twice' });
    const second = await t.bus.publish('dly.job', { id: 'twice-2' }, { delay: '1m', jobId: 'twice' });
    expect(second).toMatchObject({ duplicate: true, seq: first.seq, jobId: 'twice' });
    expect(second.deliverAt.getTime()).toBeGreaterThan(first.deliverAt.getTime() + 50_000); // as asked
    await waitFor('the first job ran at its own time', () => runsOf('twice-1').length === 1, 15_000);
    expect(runsOf('twice-2')).toHaveLength(0);
  });

  it('cancel racing the release: each job is either cancelled or run once, never both', async () => {
    const n = 60;
    const dueAt = Date.now() + 1_500;
    const acks = await t.bus.publishMany(
      Array.from({ length: n }, (_, i) => ({
        subject: 'dly.job',
        data: { id: `race-${i}` },
        options: { deliverAt: dueAt, jobId: `race-${i}` },
      })),
    );
    expect(acks).toHaveLength(n);
    // Cancel each around its due time, spread over ±150 ms of it.
    await sleep(Math.max(0, dueAt - Date.now() - 150));
    const results = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        await sleep((i * 5) % 300);
        return t.bus.cancel(`race-${i}`);
      }),
    );
    const released = results.filter((r) => r.outcome === 'released').map((r) => r.jobId);
    const cancelled = results.filter((r) => r.outcome === 'cancelled').map((r) => r.jobId);
    expect(released.length + cancelled.length).toBe(n);
    // Wait until every released job ran, plus a sentinel due later than all of them.
    await t.bus.publish('dly.job', { id: 'sentinel-2' }, { delay: 300 });
    await waitFor(
      'released jobs and the sentinel ran',
      () => released.every((id) => runsOf(id).length > 0) && runsOf('sentinel-2').length > 0,
      15_000,
    );
    for (const id of released) expect(runsOf(id)).toHaveLength(1);
    for (const id of cancelled) expect(runsOf(id)).toEqual([]);
    const copies = await copiesIn('DLY');
    for (const id of released) expect(copies.get(id)).toBe(1);
    for (const id of cancelled) expect(copies.get(id)).toBeUndefined();
  });

  it('publishMany with immediate, delayed and deliverAt entries: each run once, none before due', async () => {
    const now = Date.now();
    const entries = Array.from({ length: 30 }, (_, i) => {
      const id = `many-${i}`;
      if (i % 3 === 0) return { subject: 'dly.job', data: { id } };
      if (i % 3 === 1) return { subject: 'dly.job', data: { id }, options: { delay: (i * 37) % 2_000 } };
      return { subject: 'dly.job', data: { id }, options: { deliverAt: new Date(now + ((i * 53) % 2_000)) } };
    });
    const acks = await t.bus.publishMany(entries);
    const due = new Map<string, number>();
    acks.forEach((ack, i) => {
      if (i % 3 === 0) expect(ack.stream).toBe('DLY');
      else {
        expect(ack.stream).toBe(SCHEDULED_STREAM);
        due.set(`many-${i}`, (ack as ScheduledPubAck).deliverAt.getTime());
      }
    });
    await waitFor('all 30 ran', () => entries.every((e) => runsOf(e.data.id).length > 0), 20_000);
    await sleep(300);
    for (const e of entries) expect(runsOf(e.data.id)).toHaveLength(1);
    for (const [id, at] of due) expect(runsOf(id)[0].at).toBeGreaterThanOrEqual(at);
  });

  it('refuses bad schedule options with a JetbusConfigError naming the option, and stores nothing', async () => {
    const before = (await t.jsm.streams.info(SCHEDULED_STREAM)).state.messages;
    const cases: [object, string][] = [
      [{ delay: -1 }, 'delay'],
      [{ delay: 'soon' }, 'delay'],
      [{ delay: {} }, 'delay'],
      [{ delay: Number.NaN }, 'delay'],
      [{ deliverAt: 'tomorrow' }, 'deliverAt'],
      [{ deliverAt: new Date(Number.NaN) }, 'deliverAt'],
      [{ deliverAt: -5 }, 'deliverAt'],
      [{ delay: 10, deliverAt: Date.now() }, 'deliverAt'],
      [{ delay: 10, jobId: 'a.b' }, 'jobId'],
      [{ delay: 10, jobId: '' }, 'jobId'],
      [{ jobId: 'not a token' }, 'jobId'], // jobId is taken without a delay too, still checked
      [{ delay: 10, expectStream: 'DLY' }, 'expectStream'],
      [{ dealy: '5s' }, 'dealy'],
    ];
    for (const [options, path] of cases) {
      const e = await failure(t.bus.publish('dly.job', { id: 'bad' }, options as never));
      expect(e).toBeInstanceOf(JetbusConfigError);
      expect((e as JetbusConfigError).option).toBe(path);
    }
    expect((await t.jsm.streams.info(SCHEDULED_STREAM)).state.messages).toBe(before);
    await expect(t.bus.cancel('a.b')).rejects.toBeInstanceOf(JetbusConfigError);
    await expect(t.bus.listScheduled({ limit: 0 })).rejects.toBeInstanceOf(JetbusConfigError);
  });

  it('lists scheduled jobs page by page, filtered by subject', async () => {
    const ids = ['p-0', 'p-1', 'p-2', 'p-3', 'p-4'];
    for (const id of ids) await t.bus.publish('dly.job', { id }, { delay: '1h', jobId: id });
    await t.bus.publish('dly.other', { id: 'other' }, { delay: '1h', jobId: 'other-subject' });
    const seen: string[] = [];
    let cursor: number | undefined;
    do {
      const page = await t.bus.listScheduled({ subject: 'dly.job', limit: 2, cursor });
      expect(page.jobs.length).toBeLessThanOrEqual(2);
      seen.push(...page.jobs.map((j) => j.jobId));
      cursor = page.next;
    } while (cursor !== undefined);
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect(seen).not.toContain('other-subject');
    const [p0] = (await t.bus.listScheduled({ subject: 'dly.job', limit: 1000 })).jobs.filter(
      (j) => j.jobId === 'p-0',
    );
    expect(p0.deliverAt!.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
    for (const id of [...ids, 'other-subject']) expect((await t.bus.cancel(id)).outcome).toBe('cancelled');
  });

  it('counts scheduled, released and cancelled jobs and observes release lateness', async () => {
    const text = await t.app.get(JetbusMetrics).registry.metrics();
    expect(text).toMatch(/jetbus_scheduled_jobs_total\{subject="dly.job",outcome="scheduled"\} \d+/);
    expect(text).toMatch(/jetbus_scheduled_jobs_total\{subject="dly.job",outcome="released"\} \d+/);
    expect(text).toMatch(/jetbus_scheduled_jobs_total\{subject="dly.job",outcome="cancelled"\} \d+/);
    expect(text).toMatch(/jetbus_scheduled_release_lateness_seconds_count\{subject="dly.job"\} \d+/);
  });
});
