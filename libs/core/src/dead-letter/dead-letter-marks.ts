import { type JetStreamClient } from '@nats-io/jetstream';
import { type KV } from '@nats-io/kv';
import { type Logger } from 'pino';
import { kvKeyPart, openOrCreateKv } from '../connection/kv-bucket';
import { OpenOnce } from '../connection/open-once';
import { deadLetterMarksBucket } from '../wire/names';

export { deadLetterMarksBucket };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Where a message went: its dead letter's sequence, and whether that entry is minimal (the job stayed). */
export interface DeadLetterMark {
  dlqSeq: number;
  minimal: boolean;
}

/**
 * Which source messages the reaper already copied into the DLQ, kept without expiry. nats-server
 * re-sends `MAX_DELIVERIES` advisories for old max-delivered messages on every restart, and the
 * DLQ's dedup id only helps within its duplicate window (2 min by default): without a mark, a
 * message still in its stream (any retention but a work queue, or a work-queue delete lost to a
 * crash) would be dead-lettered again.
 */
export class DeadLetterMarks {
  private readonly buckets: OpenOnce<KV>;
  private warned = false;

  constructor(
    js: JetStreamClient,
    private readonly log: Logger,
  ) {
    this.buckets = new OpenOnce((name) => openOrCreateKv(js, name, { history: 1 }));
  }

  /**
   * The mark of a message already dead-lettered, or undefined; undefined too when the bucket cannot
   * be read (the DLQ's dedup id still applies).
   */
  async get(dlqStream: string, stream: string, seq: number): Promise<DeadLetterMark | undefined> {
    try {
      const entry = await (await this.bucket(dlqStream)).get(key(stream, seq));
      if (!entry || entry.operation !== 'PUT') return undefined;
      return readMark(decoder.decode(entry.value));
    } catch (e) {
      this.warn(e);
      return undefined;
    }
  }

  async add(dlqStream: string, stream: string, seq: number, mark: DeadLetterMark): Promise<void> {
    const value = `${mark.dlqSeq}${mark.minimal ? ' minimal' : ''}`;
    try {
      await (await this.bucket(dlqStream)).put(key(stream, seq), encoder.encode(value));
    } catch (e) {
      this.warn(e);
    }
  }

  private bucket(dlqStream: string): Promise<KV> {
    return this.buckets.get(deadLetterMarksBucket(dlqStream));
  }

  private warn(e: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.log.warn(
      { err: e },
      'dead-letter marks unavailable: re-sent advisories rely on the DLQ duplicate window',
    );
  }
}

/**
 * A mark as `add` writes it, `<dlq seq>` or `<dlq seq> minimal`; anything else is none. A mark makes
 * the reaper delete the job from its work queue without writing a dead letter, so a value it did
 * not write (garbage put by hand) must not count as one: the job would be gone with no entry.
 */
export function readMark(value: string): DeadLetterMark | undefined {
  const m = /^([1-9]\d{0,15})( minimal)?$/.exec(value);
  return m ? { dlqSeq: Number(m[1]), minimal: m[2] !== undefined } : undefined;
}

const key = (stream: string, seq: number): string => `${kvKeyPart(stream)}.${seq}`;
