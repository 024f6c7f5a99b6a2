import {
  type JetStreamManager,
  type MsgRequest,
  type NextMsgRequest,
  type StoredMsg,
  type StreamInfo,
} from '@nats-io/jetstream';
import { DeadLetterStreamNotFoundError, JetbusConfigError } from '../errors';
import { type DeadLetterFilter, matchesDeadLetterFilter, parseDeadLetterFilter } from './dead-letter-filter';
import { type DeadLetterEntry, parseDeadLetter } from './dead-letter-record';

/** Name of the DLQ stream when none is configured. */
export const DEAD_LETTER_DEFAULT_STREAM = 'JETBUS_DLQ';

export interface DeadLetterStoreOptions {
  /** The DLQ stream. @default 'JETBUS_DLQ' */
  stream?: string;
}

/** JetStream API error codes the store tells apart (nats-server 2.9.10). */
const API_CODE = {
  StreamNotFound: 10059,
  /** Deleting a sequence that was already deleted. */
  SequenceNotFound: 10043,
  /** Deleting a sequence past the last one. */
  StoreEof: 10057,
} as const;

/**
 * Reads and deletes dead letters in the DLQ stream: the one place the CLI, the admin app and
 * `replayDeadLetters` go through. Every listing walks the stream in sequence order up to the last
 * sequence it saw when it started, so a job dead-lettered again while its replay runs is not picked
 * up by that same run.
 */
export class DeadLetterStore {
  readonly stream: string;

  constructor(
    readonly jsm: JetStreamManager,
    options: DeadLetterStoreOptions = {},
  ) {
    this.stream = options.stream ?? DEAD_LETTER_DEFAULT_STREAM;
    if (!this.stream || /[\s.*>]/.test(this.stream))
      throw new JetbusConfigError('stream', `not a valid stream name: "${this.stream}"`);
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
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq && found < limit;) {
      const msg = await this.nextMessage(seq);
      if (!msg || msg.seq > state.last_seq) return;
      seq = msg.seq + 1;
      const entry = parseDeadLetter(msg);
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
    return msg ? parseDeadLetter(msg) : undefined;
  }

  /** Deletes one dead letter (erasing its data); false when there was none with this sequence. */
  async delete(dlqSeq: number): Promise<boolean> {
    assertSequence(dlqSeq);
    try {
      return await this.call(() => this.jsm.streams.deleteMessage(this.stream, dlqSeq));
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code === API_CODE.SequenceNotFound || code === API_CODE.StoreEof) return false;
      throw e;
    }
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
      const { purged } = await this.call(() =>
        this.jsm.streams.purge(this.stream, { seq: state.last_seq + 1 }),
      );
      return purged;
    }
    let deleted = 0;
    for await (const entry of this.entries(parsed)) if (await this.delete(entry.dlqSeq)) deleted++;
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
      if ((e as { code?: unknown }).code === API_CODE.StreamNotFound)
        throw new DeadLetterStreamNotFoundError(this.stream, { cause: e });
      throw e;
    }
  }
}

function assertSequence(dlqSeq: number): void {
  if (!Number.isSafeInteger(dlqSeq) || dlqSeq <= 0)
    throw new JetbusConfigError('dlqSeq', `must be a positive integer, got ${dlqSeq}`);
}
