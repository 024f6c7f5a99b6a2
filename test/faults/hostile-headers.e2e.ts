import { Injectable } from '@nestjs/common';
import { IsInt, IsString } from 'class-validator';
import {
  Ctx,
  DeadLetterStore,
  type DeadLetterRecord,
  type JetbusContext,
  JobHandler,
  NonRetryableError,
  Payload,
  replayDeadLetters,
} from '@jetbus/core';
import { type RawMessage, rawPublish } from '../support/raw-publisher';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

/**
 * Header blocks a raw client can send that jetbus's own handling of them once broke: blocks that fit
 * the job's stream but not a copy of the job with jetbus's headers added (JetStream refuses a header
 * block past 64 KiB, and nats.js decodes each byte that is not UTF-8 to a 3-byte U+FFFD, so 25,000
 * such bytes come out as 75,000), and header names an object literal does not keep (`__proto__`).
 */

class Job {
  @IsString() id!: string;
  @IsInt() n!: number;
}

const runs = new Map<string, number>();
const ran = (id: string) => runs.get(id) ?? 0;
/** `ctx.headers` of each run of `hh.ctx`. */
const seen: Record<string, string[]>[] = [];

@Injectable()
class Jobs {
  @JobHandler('hh.job', { maxAttempts: 2, backoff: { type: 'fixed', delay: 100 } })
  job(@Payload() job: Job): void {
    runs.set(job.id, ran(job.id) + 1);
  }

  @JobHandler('hh.prio', { priorities: true })
  prio(@Payload() job: Job): void {
    runs.set(job.id, ran(job.id) + 1);
  }

  /** Refuses its first job (dead-lettered), runs the replay. */
  @JobHandler('hh.ctx')
  ctx(@Payload() _job: unknown, @Ctx() ctx: JetbusContext): void {
    seen.push(ctx.headers);
    if (seen.length === 1) throw new NonRetryableError('first run refused');
  }
}

const enc = (s: string) => Buffer.from(s, 'utf8');
/** A header block as bytes: `X-Case: <id>`, then `lines`, then `X-Raw: ` followed by `raw` as is. */
const block = (id: string, lines: string[], raw?: Uint8Array) =>
  Buffer.concat([
    enc(`NATS/1.0\r\nX-Case: ${id}\r\n${lines.map((l) => `${l}\r\n`).join('')}`),
    ...(raw ? [enc('X-Raw: '), raw, enc('\r\n')] : []),
    enc('\r\n'),
  ]);
const notUtf8 = Buffer.alloc(25_000, 0xff);
const invalid = enc('{"id":1}'); // no `n`, `id` not a string: refused by the DTO

describe('hostile header blocks: too large for a dead letter, or named __proto__', () => {
  const t = useJetbus(
    {
      name: 'hh',
      scheduling: {},
      streams: [{ name: 'HH', subjects: ['hh.>'], retention: 'workqueue' }],
    },
    [Jobs],
    { server: { config: 'max_payload: 1048576' } },
  );

  it('a job refused with such headers is dead-lettered once, its header block kept whole in the object store; jobs beside it run', async () => {
    const cases: [string, Buffer][] = [
      ['not-utf8-25k', block('not-utf8-25k', [], notUtf8)],
      ['ascii-64_8k', block('ascii-64_8k', [`X-Big: ${'b'.repeat(64_800)}`])],
      ['ascii-63k', block('ascii-63k', [`X-Big: ${'b'.repeat(63_000)}`])],
    ];
    for (const [, b] of cases) expect(b.length).toBeLessThan(65_536); // the job's stream takes each
    const messages: RawMessage[] = [
      ...cases.map(([, headerBlock]) => ({ subject: 'hh.job', headerBlock, body: invalid })),
      // Valid jobs with the same headers run: only the dead letter had no room.
      {
        subject: 'hh.job',
        headerBlock: block('valid-not-utf8', [], notUtf8),
        body: enc('{"id":"v1","n":1}'),
      },
      { subject: 'hh.job', body: enc('{"id":"v2","n":2}') },
    ];
    await rawPublish(t.server.port, messages);
    const store = new DeadLetterStore(t.jsm);
    const found = await waitFor(
      'a dead letter for each case',
      async () => {
        const entries = (await store.list()) as DeadLetterRecord[];
        const byCase = new Map<string, DeadLetterRecord[]>();
        for (const r of entries) {
          const id = cases.find(([c]) => (r.headers['X-Case']?.[0] ?? r.rawHeaders ?? '').includes(c))?.[0];
          if (id) byCase.set(id, [...(byCase.get(id) ?? []), r]);
        }
        return byCase.size === cases.length && entries.length === cases.length && byCase;
      },
      30_000,
      200,
    );
    await waitFor('the valid jobs', () => ran('v1') === 1 && ran('v2') === 1);
    for (const [id, sent] of cases) {
      const list = found.get(id)!;
      expect([id, list.length]).toEqual([id, 1]);
      const r = list[0];
      expect([r.reason, r.errorClass, r.attempts, r.subject, r.stream]).toEqual([
        'validation',
        'InvalidPayloadError',
        1,
        'hh.job',
        'HH',
      ]);
      expect(Buffer.from(await store.payload(r)).equals(invalid)).toBe(true);
      if (id === 'ascii-63k') {
        // Fits beside the dead-letter headers: carried as before.
        expect(r.headersObject).toBeUndefined();
        expect(r.headers['X-Big']?.[0]?.length).toBe(63_000);
        continue;
      }
      // Too large: none of the job's headers on the entry, the block as received in the object store.
      expect(r.headersObject?.name).toBe(`${r.seq}.headers`);
      expect(r.headers).toEqual({});
      expect(r.rawHeaders).toContain(`X-Case: ${id}`);
      expect(Buffer.from((await store.headerBlock(r))!).equals(sent)).toBe(true);
    }
    // Settled once each: no dead letter was refused and retried.
    const info = await t.jsm.consumers.info('HH', 'hh_hh-job');
    expect([info.num_pending, info.num_ack_pending, info.num_redelivered]).toEqual([0, 0, 0]);
    expect(t.logs.records.filter((r) => String(r.msg).startsWith('could not record dead letter'))).toEqual(
      [],
    );
    expect((await t.jsm.streams.info('HH')).state.messages).toBe(0);

    // Replay would publish a different job (no job id, no headers): it skips the entry and keeps it.
    const big = found.get('not-utf8-25k')![0];
    const report = await replayDeadLetters(store, t.js, { ids: [big.dlqSeq] });
    expect(report.replayed).toEqual([]);
    expect(report.skipped.map((s) => s.reason)).toEqual([
      `its headers are too large to travel with it: kept in object ${big.seq}.headers of bucket ${big.headersObject!.bucket}`,
    ]);
    // Deleting the entry deletes its header block too.
    expect(await store.delete(big.dlqSeq)).toBe(true);
    await expect(store.headerBlock(big)).rejects.toThrow(/no longer|missing|not found/i);
  }, 60_000);

  it('a scheduled job whose release its stream can never take is dead-lettered once, not retried forever', async () => {
    const store = new DeadLetterStore(t.jsm);
    const before = new Set((await store.list()).map((e) => e.dlqSeq));
    const longId = 'l'.repeat(128);
    const due = 'Jetbus-Deliver-At: 0';
    // Fits the scheduling stream; the release adds `Jetbus-Job-Id` and `Nats-Msg-Id` (~300 bytes).
    const atMaxBlock = enc(`NATS/1.0\r\nX-Case: sched-at-max\r\n${due}\r\n\r\n`);
    const atMaxBody = Buffer.alloc(1_048_576 - atMaxBlock.length - 64, 0x61);
    const notUtf8Block = block('sched-not-utf8', [due], notUtf8);
    await rawPublish(t.server.port, [
      {
        subject: 'jetbus.scheduled.sched-not-utf8.hh.job',
        headerBlock: notUtf8Block,
        body: enc('{"id":"s1","n":1}'),
      },
      { subject: `jetbus.scheduled.${longId}.hh.job`, headerBlock: atMaxBlock, body: atMaxBody },
      { subject: 'jetbus.scheduled.sched-ok.hh.job', headerLines: [due], body: enc('{"id":"s-ok","n":1}') },
    ]);
    await waitFor('the valid scheduled job', () => ran('s-ok') === 1);
    const found = await waitFor(
      'two new dead letters',
      async () => {
        const fresh = ((await store.list()) as DeadLetterRecord[]).filter((e) => !before.has(e.dlqSeq));
        return fresh.length >= 2 && fresh;
      },
      30_000,
      200,
    );
    expect(found.length).toBe(2);
    const [notUtf8Entry, atMaxEntry] = [
      found.find((r) => r.rawHeaders?.includes('sched-not-utf8'))!,
      found.find((r) => r.payload.kind === 'object')!,
    ];
    for (const r of [notUtf8Entry, atMaxEntry]) {
      expect([r.subject, r.stream, r.reason, r.errorClass, r.attempts]).toEqual([
        'hh.job',
        'JETBUS_SCHEDULED',
        'error',
        'UnreleasableJobError',
        1,
      ]);
    }
    expect(notUtf8Entry.errorMessage).toContain("past JetStream's limit of 65535");
    expect(Buffer.from((await store.headerBlock(notUtf8Entry))!).equals(notUtf8Block)).toBe(true);
    expect(Buffer.from(await store.payload(notUtf8Entry)).toString()).toBe('{"id":"s1","n":1}');
    expect(atMaxEntry.errorMessage).toContain("past the server's max_payload of 1048576");
    expect(atMaxEntry.headers['Jetbus-Job-Id']).toEqual([longId]);
    expect(Buffer.from(await store.payload(atMaxEntry)).equals(atMaxBody)).toBe(true);
    // Each entry delivered once, then gone from the scheduling stream: no release loop.
    const release = await t.jsm.consumers.info('JETBUS_SCHEDULED', 'jetbus-release_hh-job');
    expect([release.delivered.consumer_seq, release.num_ack_pending, release.num_redelivered]).toEqual([
      3, 0, 0,
    ]);
    expect((await t.jsm.streams.info('JETBUS_SCHEDULED')).state.messages).toBe(0);
    expect(t.logs.records.filter((r) => r.msg === 'could not release scheduled job')).toEqual([]);
    expect(ran('s1')).toBe(0);
  }, 60_000);

  it('a header named __proto__ stays a header: in ctx.headers, in the dead letter, through replay, in listScheduled', async () => {
    const own = (map: Record<string, string[]>) => [
      Object.getOwnPropertyDescriptor(map, '__proto__')?.value as unknown,
      Object.getPrototypeOf(map) === Object.prototype,
      map.constructor,
    ];
    const lines = ['__proto__: p1', 'constructor: c1', 'X-Case: proto-header'];
    const store = new DeadLetterStore(t.jsm);
    const before = new Set((await store.list()).map((e) => e.dlqSeq));
    await rawPublish(t.server.port, [
      { subject: 'hh.ctx', headerLines: lines, body: enc('{"id":"p"}') },
      {
        subject: 'jetbus.scheduled.proto-later.hh.job',
        headerLines: [...lines, 'Jetbus-Deliver-At: 9999-01-01T00:00:00Z'],
        body: enc('{"id":"later","n":1}'),
      },
    ]);
    const [r] = await waitFor('the dead letter', async () => {
      const fresh = ((await store.list()) as DeadLetterRecord[]).filter((e) => !before.has(e.dlqSeq));
      return fresh.length === 1 && fresh;
    });
    expect(own(seen[0])).toEqual([['p1'], true, ['c1']]);
    expect(own(r.headers)).toEqual([['p1'], true, ['c1']]);
    const report = await replayDeadLetters(store, t.js, { ids: [r.dlqSeq] });
    expect(report.replayed.map((x) => x.dlqSeq)).toEqual([r.dlqSeq]);
    await waitFor('the replayed job', () => seen.length === 2);
    expect(own(seen[1])).toEqual([['p1'], true, ['c1']]);
    const page = await t.bus.listScheduled({ subject: 'hh.job' });
    const later = page.jobs.find((j) => j.jobId === 'proto-later')!;
    expect(own(later.headers)).toEqual([['p1'], true, ['c1']]);
  });

  it('a job on a lane subject no lane takes, with such headers: dead-lettered once by the lane sweeper', async () => {
    const store = new DeadLetterStore(t.jsm);
    const before = new Set((await store.list()).map((e) => e.dlqSeq));
    const sent = block('lane-not-utf8', [], notUtf8);
    await rawPublish(t.server.port, [
      { subject: 'hh.prio._prio.urgent', headerBlock: sent, body: enc('{"id":"u","n":1}') },
      { subject: 'hh.prio._prio.high', body: enc('{"id":"lane-ok","n":1}') },
    ]);
    await waitFor('the valid lane job', () => ran('lane-ok') === 1);
    const [r] = await waitFor(
      'its dead letter',
      async () => {
        const fresh = ((await store.list()) as DeadLetterRecord[]).filter((e) => !before.has(e.dlqSeq));
        return fresh.length === 1 && fresh;
      },
      30_000,
      200,
    );
    expect([r.subject, r.reason, r.errorClass, r.headersObject?.name]).toEqual([
      'hh.prio._prio.urgent',
      'decode',
      'DecodeError',
      `${r.seq}.headers`,
    ]);
    expect(Buffer.from((await store.headerBlock(r))!).equals(sent)).toBe(true);
    await waitFor('the lane subject empty', async () => {
      const info = await t.jsm.streams.info('HH', { subjects_filter: 'hh.prio._prio.urgent' });
      return (info.state.subjects?.['hh.prio._prio.urgent'] ?? 0) === 0;
    });
    expect(ran('u')).toBe(0);
  }, 60_000);
});
