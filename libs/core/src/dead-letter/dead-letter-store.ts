import {
  type JetStreamManager,
  type MsgRequest,
  type NextMsgRequest,
  type StoredMsg,
  type StreamInfo,
} from '@nats-io/jetstream';
import { isMessageGone, isStreamNotFound } from '../connection/jetstream-api-errors';
import { DeadLetterPayloadMissingError, DeadLetterStreamNotFoundError, JetbusConfigError } from '../errors';
import { DeadLetterPayloads, deadLetterPayloadBucketPrefix } from './dead-letter-payloads';
import { type DeadLetterFilter, matchesDeadLetterFilter, parseDeadLetterFilter } from './dead-letter-filter';
import { type DeadLetterEntry, type DeadLetterRecord, parseDeadLetter } from './dead-letter-record';
import { DEAD_LETTER_DEFAULT_STREAM } from '../wire/names';

export { DEAD_LETTER_DEFAULT_STREAM };

export interface DeadLetterStoreOptions {
  /** The DLQ stream. @default 'JETBUS_DLQ' */
  stream?: string;
  /**
   * The prefix dead letters are stored under (`<subjectPrefix>.<original subject>`): an entry whose
   * `Jetbus-Dlq-Subject` disagrees with it is malformed. @default read from the stream's one
   * `<prefix>.>` subject
   */
  subjectPrefix?: string;
}

/**
 * Reads and deletes dead letters in the DLQ stream: the one place the CLI, the admin app and
 * `replayDeadLetters` go through. Every listing walks the stream in sequence order up to the last
 * sequence it saw when it started, so a job dead-lettered again while its replay runs is not picked
 * up by that same run.
 */
export class DeadLetterStore {
  readonly stream: string;
  private prefix?: Promise<string>;
  private readonly payloads: DeadLetterPayloads;

  constructor(
    readonly jsm: JetStreamManager,
    options: DeadLetterStoreOptions = {},
  ) {
    this.stream = options.stream ?? DEAD_LETTER_DEFAULT_STREAM;
    if (!this.stream || /[\s.*>]/.test(this.stream))
      throw new JetbusConfigError('stream', `not a valid stream name: "${this.stream}"`);
    if (options.subjectPrefix !== undefined) {
      if (!/^[^\s*>]+$/.test(options.subjectPrefix) || options.subjectPrefix.split('.').includes(''))
        throw new JetbusConfigError('subjectPrefix', `not a subject prefix: "${options.subjectPrefix}"`);
      this.prefix = Promise.resolve(options.subjectPrefix);
    }
    this.payloads = new DeadLetterPayloads(jsm.jetstream());
  }

  /** The subject prefix of the DLQ: given, or the stream's one `<prefix>.>` subject. */
  subjectPrefix(): Promise<string> {
    this.prefix ??= this.info().then(({ config }) => {
      const subjects = config.subjects ?? [];
      const only = subjects.length === 1 && subjects[0].endsWith('.>') ? subjects[0].slice(0, -2) : undefined;
      if (only === undefined)
        throw new JetbusConfigError(
          'subjectPrefix',
          `stream ${this.stream} captures ${JSON.stringify(subjects)}, not one "<prefix>.>": pass subjectPrefix`,
        );
      return only;
    });
    this.prefix.catch(() => (this.prefix = undefined));
    return this.prefix;
  }

  /**
   * The payload of a dead letter, wherever it is: the body, the DLQ's object store bucket (payloads
   * too large to travel with the dead-letter headers), or the source stream (minimal entries).
   * `DeadLetterPayloadMissingError` when it is no longer there.
   */
  async payload(entry: DeadLetterRecord): Promise<Uint8Array> {
    const p = entry.payload;
    if (p.kind === 'inline') return entry.data;
    if (p.kind === 'object') {
      const data = await this.payloads.get(p).catch(() => null);
      if (!data)
        throw new DeadLetterPayloadMissingError(entry.dlqSeq, `object ${p.name} in bucket ${p.bucket}`);
      return data;
    }
    const stored = await this.jsm.streams.getMessage(entry.stream, { seq: entry.seq }).catch(() => null);
    if (!stored || stored.subject !== entry.subject)
      throw new DeadLetterPayloadMissingError(entry.dlqSeq, `stream ${entry.stream} seq ${entry.seq}`);
    return stored.data;
  }

  /**
   * The job's header block as it was received, when its headers were too large to travel with the
   * dead letter (`entry.headersObject`); undefined when the dead letter carries them itself.
   * `DeadLetterPayloadMissingError` when the object is no longer there.
   */
  async headerBlock(entry: DeadLetterRecord): Promise<Uint8Array | undefined> {
    const ref = entry.headersObject;
    if (!ref) return undefined;
    const data = await this.payloads.get(ref).catch(() => null);
    if (!data)
      throw new DeadLetterPayloadMissingError(
        entry.dlqSeq,
        `object ${ref.name} in bucket ${ref.bucket}`,
        'header block',
      );
    return data;
  }

  /** The matching dead letters (malformed ones included), lowest DLQ sequence first, read lazily. */
  async *entries(filter: DeadLetterFilter = {}): AsyncGenerator<DeadLetterEntry, void, undefined> {
    const parsed = parseDeadLetterFilter(filter);
    const limit = parsed.limit ?? Number.POSITIVE_INFINITY;
    let found = 0;
    if (parsed.ids) {
      for (const seq of parsed.ids) {
        if (found >= limit) return;
        const entry = await this.get(seq);
        if (entry && matchesDeadLetterFilter(entry, parsed)) {
          found++;
          yield entry;
        }
      }
      return;
    }
    const { state } = await this.info();
    const prefix = await this.subjectPrefix();
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq && found < limit;) {
      const msg = await this.nextMessage(seq);
      if (!msg || msg.seq > state.last_seq) return;
      seq = msg.seq + 1;
      const entry = parseDeadLetter(msg, prefix, this.stream);
      if (matchesDeadLetterFilter(entry, parsed)) {
        found++;
        yield entry;
      }
    }
  }

  /** `entries(filter)` collected into an array. */
  async list(filter: DeadLetterFilter = {}): Promise<DeadLetterEntry[]> {
    const out: DeadLetterEntry[] = [];
    for await (const entry of this.entries(filter)) out.push(entry);
    return out;
  }

  /** One dead letter, or undefined when there is none with this sequence. */
  async get(dlqSeq: number): Promise<DeadLetterEntry | undefined> {
    assertSequence(dlqSeq);
    // getMessage() resolves null for a deleted or never-written sequence.
    const msg = await this.call(() => this.jsm.streams.getMessage(this.stream, { seq: dlqSeq }));
    return msg ? parseDeadLetter(msg, await this.subjectPrefix(), this.stream) : undefined;
  }

  /**
   * Deletes one dead letter (erasing its data), and its payload object when it has one; false when
   * there was none with this sequence. Pass the entry when you have it, to save a read.
   */
  async delete(dlqSeq: number, entry?: DeadLetterEntry): Promise<boolean> {
    assertSequence(dlqSeq);
    const known = entry ?? (await this.get(dlqSeq));
    let deleted: boolean;
    try {
      deleted = await this.call(() => this.jsm.streams.deleteMessage(this.stream, dlqSeq));
    } catch (e) {
      if (!isMessageGone(e)) throw e;
      deleted = false;
    }
    // After the entry: an object without its entry is litter; an entry without its object is a loss.
    if (known?.kind === 'dead-letter' && known.payload.kind === 'object')
      await this.payloads.delete(known.payload);
    if (known?.kind === 'dead-letter' && known.headersObject) await this.payloads.delete(known.headersObject);
    return deleted;
  }

  /**
   * Deletes the matching dead letters and resolves with how many it deleted. With no criteria and
   * no limit the stream is purged up to the last sequence seen at the start, so dead letters
   * arriving meanwhile are kept.
   */
  async purge(filter: DeadLetterFilter = {}): Promise<number> {
    const parsed = parseDeadLetterFilter(filter);
    if (Object.values(parsed).every((v) => v === undefined)) {
      const { state } = await this.info();
      if (state.messages === 0) return 0;
      const startedAt = new Date();
      const { purged } = await this.call(() =>
        this.jsm.streams.purge(this.stream, { seq: state.last_seq + 1 }),
      );
      await this.payloads.deleteOlderThan(deadLetterPayloadBucketPrefix(this.stream), startedAt);
      return purged;
    }
    let deleted = 0;
    for await (const entry of this.entries(parsed)) if (await this.delete(entry.dlqSeq, entry)) deleted++;
    return deleted;
  }

  /** The DLQ stream's info; `DeadLetterStreamNotFoundError` when it does not exist. */
  info(): Promise<StreamInfo> {
    return this.call(() => this.jsm.streams.info(this.stream));
  }

  /**
   * The first message at or after `seq`. nats.js types getMessage() with `seq` or `last_by_subj`
   * only, but STREAM.MSG.GET has also taken `next_by_subj` since nats-server 2.9.0 (checked on
   * 2.9.10), and one request then skips a whole run of deleted sequences where a walk by `seq`
   * pays one request per gap (replaying a filtered subset leaves many).
   */
  private async nextMessage(seq: number): Promise<StoredMsg | null> {
    const query: NextMsgRequest = { seq, next_by_subj: '>' };
    const msg = await this.call(() =>
      this.jsm.streams.getMessage(this.stream, query as unknown as MsgRequest),
    );
    if (msg && msg.seq < seq)
      throw new Error(`${this.stream}: asked for the message at or after ${seq}, the server sent ${msg.seq}`);
    return msg;
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (e) {
      if (isStreamNotFound(e)) throw new DeadLetterStreamNotFoundError(this.stream, { cause: e });
      throw e;
    }
  }
}

function assertSequence(dlqSeq: number): void {
  if (!Number.isSafeInteger(dlqSeq) || dlqSeq <= 0)
    throw new JetbusConfigError('dlqSeq', `must be a positive integer, got ${dlqSeq}`);
}
