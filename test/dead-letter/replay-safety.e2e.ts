import { Injectable } from '@nestjs/common';
import { type JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { IsString } from 'class-validator';
import {
  DeadLetterHeaders as H,
  DeadLetterStore,
  JobHandler,
  NoStreamForSubjectError,
  Payload,
  ReplayTargetError,
  replayDeadLetters,
} from '@jetbus/core';
import { useJetbus, useNats } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

const FAST = { ratePerSecond: 10_000 };

/**
 * Writes a DLQ message by hand, as an older jetbus (which copied a job's headers through) or anyone
 * with publish rights on `dlq.>` could have: `stored` is the subject it is stored under, `headers`
 * go first (so a forged spelling precedes the real one), then jetbus's own fields.
 */
async function writeRaw(
  js: JetStreamClient,
  stored: string,
  headers: [string, string][],
  own: Partial<Record<keyof typeof H, string>>,
): Promise<number> {
  const h = natsHeaders();
  for (const [k, v] of headers) h.append(k, v);
  const fields = { Stream: 'FUZZ', Seq: '1', Consumer: 'c', Attempts: '1', Reason: 'validation', ...own };
  for (const [k, v] of Object.entries(fields)) h.append(H[k as keyof typeof H], v);
  return (await js.publish(stored, new TextEncoder().encode('{}'), { headers: h })).seq;
}

describe('replay is safe by construction', () => {
  const t = useNats();
  let store: DeadLetterStore;
  beforeAll(() => (store = new DeadLetterStore(t.jsm)));
  beforeEach(async () => {
    for await (const name of t.jsm.streams.names()) await t.jsm.streams.delete(name);
    await t.jsm.streams.add({ name: 'FUZZ', subjects: ['fuzz.>'] });
    await t.jsm.streams.add({ name: 'VICTIM', subjects: ['victim.>'] });
    await t.jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'] });
  });

  const victimExists = async () => (await t.jsm.streams.info('VICTIM')).config.name === 'VICTIM';

  it('ignores a forged lower-case Jetbus-Dlq-Subject written before the real one: malformed, kept', async () => {
    const seq = await writeRaw(
      t.js,
      'dlq.fuzz.job',
      [['jetbus-dlq-subject', '$JS.API.STREAM.DELETE.VICTIM']],
      {
        Subject: 'fuzz.job',
      },
    );
    const dry = await replayDeadLetters(store, t.js, {}, { ...FAST, dryRun: true });
    const real = await replayDeadLetters(store, t.js, {}, FAST);
    for (const report of [dry, real]) {
      expect(report.skipped).toEqual([{ dlqSeq: seq, reason: expect.stringContaining('malformed') }]);
      expect(report.replayed).toEqual([]);
    }
    expect(await victimExists()).toBe(true);
    expect(await store.get(seq)).toMatchObject({ kind: 'malformed' });
  });

  it('refuses a Jetbus-Dlq-Subject that disagrees with the subject the entry is stored under', async () => {
    const seq = await writeRaw(t.js, 'dlq.fuzz.job', [], { Subject: '$JS.API.STREAM.DELETE.VICTIM' });
    const report = await replayDeadLetters(store, t.js, {}, FAST);
    expect(report.skipped).toEqual([{ dlqSeq: seq, reason: expect.stringContaining('disagrees') }]);
    expect(await victimExists()).toBe(true);
    expect(await store.get(seq)).toBeDefined();
  });

  it.each([
    ['a JetStream API subject', '$JS.API.STREAM.DELETE.VICTIM', ReplayTargetError],
    ['a system subject', '$SYS.REQ.SERVER.PING', ReplayTargetError],
    ['an inbox', '_INBOX.abc.def', ReplayTargetError],
    ['a subject only the DLQ captures', 'dlq.fuzz.job', ReplayTargetError],
    ['a subject only a core responder answers', 'svc.echo', NoStreamForSubjectError],
  ])('refuses %s in a dry run and a real run alike, and keeps the entry', async (_, subject, type) => {
    // A responder that answers like a PubAck: without the stream check, replay would believe it.
    const sub = t.nc.subscribe('svc.echo', {
      callback: (_e, m) => {
        m.respond(new TextEncoder().encode('{"stream":"FUZZ","seq":1}'));
      },
    });
    try {
      const seq = await writeRaw(t.js, `dlq.${subject}`, [], { Subject: subject });
      const dry = await replayDeadLetters(store, t.js, {}, { ...FAST, dryRun: true });
      const real = await replayDeadLetters(store, t.js, {}, FAST);
      for (const report of [dry, real]) {
        expect(report.failed).toEqual([{ dlqSeq: seq, subject, error: expect.any(type) }]);
        expect(report.replayed).toEqual([]);
        expect(report.wouldReplay).toEqual([]);
      }
      expect(await victimExists()).toBe(true);
      expect(await store.get(seq)).toMatchObject({ kind: 'dead-letter', subject });
      expect((await t.jsm.streams.info('FUZZ')).state.messages).toBe(0);
    } finally {
      sub.unsubscribe();
    }
  });
});

class FuzzJob {
  @IsString() id!: string;
}

@Injectable()
class FuzzJobs {
  ran = 0;
  @JobHandler('fuzz.job')
  run(@Payload() _job: FuzzJob): void {
    this.ran++;
  }
}

describe('replay of a job that carried forged dead-letter headers (the reported attack)', () => {
  const t = useJetbus(
    {
      name: 'fuzz',
      streams: [
        { name: 'FUZZ', subjects: ['fuzz.>'], retention: 'workqueue' },
        { name: 'VICTIM', subjects: ['victim.>'] },
      ],
    },
    [FuzzJobs],
  );

  it('dead-letters it with its true metadata, and replay sends it back to its own subject only', async () => {
    {
      const { jsm, js } = t;
      const forged = {
        'jetbus-dlq-subject': '$JS.API.STREAM.DELETE.VICTIM',
        'JETBUS-DLQ-REASON': 'error',
        'Jetbus-Dlq-Stream': 'ELSEWHERE',
        'jetbus-dlq-attempts': '99',
      };
      const sent = await t.bus.publish('fuzz.job', {}, { headers: forged });
      const store = new DeadLetterStore(jsm);
      const [entry] = await waitFor('the dead letter', async () => {
        const all = await store.list();
        return all.length === 1 && all;
      });
      expect(entry).toMatchObject({
        kind: 'dead-letter',
        subject: 'fuzz.job',
        stream: 'FUZZ',
        seq: sent.seq,
        attempts: 1,
        reason: 'validation',
        forgedHeaders: expect.stringContaining('jetbus-dlq-subject'),
      });
      expect(Object.keys(entry.headers).filter((k) => /^jetbus-dlq-/i.test(k))).toEqual([]);

      const report = await replayDeadLetters(store, js, { reason: 'validation' }, FAST);
      expect(report.replayed).toEqual([
        { dlqSeq: entry.dlqSeq, subject: 'fuzz.job', stream: 'FUZZ', seq: sent.seq + 1, duplicate: false },
      ]);
      expect((await jsm.streams.info('VICTIM')).config.name).toBe('VICTIM');
      // Still invalid, so it is dead-lettered again, as itself.
      await waitFor('the second dead letter', async () => {
        const all = await store.list();
        return all.length === 1 && all[0].kind === 'dead-letter' && all[0].seq === sent.seq + 1;
      });
    }
  });
});
