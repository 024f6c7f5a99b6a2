import { Objm } from '@nats-io/obj';
import pino from 'pino';
import {
  type DeadLetterRecord,
  DeadLetterStore,
  REAPER_MAX_ATTEMPTS,
  StreamLimitError,
  deadLetterPayloadBucket,
  replayDeadLetters,
} from '@jetbus/core';
// Internals, driven directly: the worker and the reaper's runner are tested elsewhere.
import { MaxDeliveriesReaper, StreamDeadLetterSink } from '../../libs/core/src/dead-letter';
import { useNats } from '../support/use-jetbus';
import { failure } from '../support/failure';

const silent = pino({ level: 'silent' });
const bytes = (n: number, fill = 'x') => new TextEncoder().encode(fill.repeat(n));

describe('dead letters at the limits: oversized payloads and writes that keep failing', () => {
  const t = useNats();
  let store: DeadLetterStore;
  beforeEach(async () => {
    for await (const name of t.jsm.streams.names()) await t.jsm.streams.delete(name);
    await t.jsm.streams.add({ name: 'WORK', subjects: ['work.>'], retention: 'workqueue' as never });
    store = new DeadLetterStore(t.jsm);
  });

  const sink = (maxPayload: number) =>
    new StreamDeadLetterSink(
      t.js,
      { stream: 'JETBUS_DLQ', subjectPrefix: 'dlq', publishTimeoutMs: 2_000, maxPayload },
      silent,
    );

  it('keeps a payload that no longer fits beside the dead-letter headers in the object store, and replay and delete use it', async () => {
    await t.jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'] });
    const data = bytes(3_000, 'p');
    // A server limit of 3,200 bytes: the job fits alone, not with ~600 B of metadata.
    const write = (seq: number) =>
      sink(3_200).writeRecord({
        subject: 'work.big',
        data,
        headers: undefined,
        stream: 'WORK',
        seq,
        consumer: 'c',
        attempts: 1,
        reason: 'validation',
        error: new Error('bad'),
      });
    const first = await write(1);
    await write(2);
    const entry = (await store.get(first)) as DeadLetterRecord;
    expect(entry.payload).toEqual({
      kind: 'object',
      bucket: 'JETBUS_DLQ_PAYLOADS_WORK',
      name: '1',
      size: 3_000,
    });
    expect(entry.data.byteLength).toBe(0);
    expect(Buffer.from(await store.payload(entry)).equals(Buffer.from(data))).toBe(true);

    const report = await replayDeadLetters(store, t.js, { ids: [first] }, { ratePerSecond: 1_000 });
    expect(report.replayed).toEqual([
      { dlqSeq: first, subject: 'work.big', stream: 'WORK', seq: 1, duplicate: false },
    ]);
    const replayed = await t.jsm.streams.getMessage('WORK', { seq: 1 });
    expect(Buffer.from(replayed!.data).equals(Buffer.from(data))).toBe(true);

    const bucket = await new Objm(t.js).open(deadLetterPayloadBucket('JETBUS_DLQ', 'WORK'));
    expect(await bucket.getBlob('1')).toBeNull(); // replayed: its object went with the entry
    expect(await bucket.getBlob('2')).not.toBeNull();
    expect(await store.purge()).toBe(1);
    expect(await bucket.getBlob('2')).toBeNull(); // a whole-DLQ purge removes the objects too
  });

  it('bounds the reaper: a dead letter the DLQ keeps refusing ends as a minimal entry, the job left in its stream', async () => {
    // Dead letters of more than 1 KiB are refused, so the full copy of a 4 KiB job never fits.
    await t.jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'], max_msg_size: 1_024 });
    const job = await t.js.publish('work.job', bytes(4_096));
    const minimal: string[] = [];
    const reaper = new MaxDeliveriesReaper(t.jsm, sink(1024 * 1024), {
      ignoreStreams: [],
      logger: silent,
      onMinimal: (s) => minimal.push(s),
    });
    const advisory = { stream: 'WORK', consumer: 'w', stream_seq: job.seq, deliveries: 3 };

    expect(await failure(reaper.reap(advisory, 1))).toBeInstanceOf(StreamLimitError);
    expect((await store.info()).state.messages).toBe(0);

    await reaper.reap(advisory, REAPER_MAX_ATTEMPTS - 2);
    const [entry] = (await store.list()) as DeadLetterRecord[];
    expect(entry).toMatchObject({
      subject: 'work.job',
      stream: 'WORK',
      seq: job.seq,
      reason: 'max-deliveries',
      payload: { kind: 'source', size: 4_096 },
    });
    expect(minimal).toEqual(['WORK']);
    // Nothing is deleted that was not copied: the job is still in its stream, and readable from the entry.
    expect((await t.jsm.streams.info('WORK')).state.messages).toBe(1);
    expect((await store.payload(entry)).byteLength).toBe(4_096);
    const report = await replayDeadLetters(store, t.js, {}, { ratePerSecond: 1_000 });
    expect(report.skipped).toEqual([
      { dlqSeq: entry.dlqSeq, reason: expect.stringContaining('minimal entry') },
    ]);
  });

  it('marks the dead letter of a job that had in fact completed, and replay skips it unless forced', async () => {
    await t.jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'] });
    const job = await t.js.publish('work.done', bytes(10));
    const reaper = new MaxDeliveriesReaper(t.jsm, sink(1024 * 1024), {
      ignoreStreams: [],
      logger: silent,
      // The handler's idempotency record says this job completed; only its ack was lost.
      completed: (stream, _consumer, stored) => Promise.resolve(stream === 'WORK' && stored.seq === job.seq),
    });
    await reaper.reap({ stream: 'WORK', consumer: 'w', stream_seq: job.seq, deliveries: 5 });
    const [entry] = (await store.list()) as DeadLetterRecord[];
    expect(entry).toMatchObject({ seq: job.seq, reason: 'max-deliveries', completed: true });

    const skipped = await replayDeadLetters(store, t.js, {}, { ratePerSecond: 1_000 });
    expect(skipped.skipped).toEqual([{ dlqSeq: entry.dlqSeq, reason: expect.stringContaining('completed') }]);
    const forced = await replayDeadLetters(store, t.js, {}, { ratePerSecond: 1_000, force: true });
    expect(forced.replayed).toMatchObject([{ dlqSeq: entry.dlqSeq, subject: 'work.done', stream: 'WORK' }]);
  });
});
