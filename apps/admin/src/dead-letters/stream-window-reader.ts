import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type StoredMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

/**
 * Largest pull, in messages (a dead letter's headers are a few hundred bytes to a few KiB). Each
 * pull costs a round trip and some tens of ms in nats.js, so pulls start at what the caller expects
 * to need and double up to this.
 */
const MAX_BATCH = 10_000;
/** How long one pull waits when fewer messages than counted arrive (some were deleted meanwhile). */
const PULL_EXPIRES_MS = 1_000;

/** A window of a stream read from `from` up: what a consumer counted, and the messages. */
export interface HeadersWindow {
  /** Messages at or after `from` that match the subject filter, when the consumer was created. */
  pending: number;
  /**
   * Reads them in sequence order, the first pull asking for `expected` messages (then twice as
   * many each time); stop early by breaking out (the consumer is deleted either way).
   */
  read(expected?: number): AsyncGenerator<StoredMsg, void, undefined>;
  /** Deletes the consumer if `read()` was never run to its end. */
  close(): Promise<void>;
}

/**
 * Reads a stream through an ephemeral, unacknowledged consumer from a sequence, with the subject
 * filter applied by the server; `headersOnly` leaves the payloads on the server. A search over
 * 100k dead letters then moves headers only (no payload bytes, no JSON parsing), and only those
 * whose subject can match.
 */
export class StreamWindowReader {
  constructor(
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly stream: string,
    private readonly headersOnly: boolean,
  ) {}

  async open(from: number, filterSubject?: string): Promise<HeadersWindow> {
    const info = await this.jsm.consumers.add(this.stream, {
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: from,
      headers_only: this.headersOnly,
      mem_storage: true,
      num_replicas: 1,
      // A reader that dies mid-scan leaves nothing behind for long.
      inactive_threshold: nanos(30_000),
      ...(filterSubject ? { filter_subject: filterSubject } : {}),
    });
    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      await this.jsm.consumers.delete(this.stream, info.name).catch(() => undefined);
    };
    const js = this.js;
    const stream = this.stream;
    return {
      pending: info.num_pending,
      close,
      async *read(expected = MAX_BATCH) {
        try {
          const consumer = await js.consumers.get(stream, info.name);
          let left = info.num_pending;
          let size = Math.max(1, Math.min(expected, MAX_BATCH));
          while (left > 0) {
            const max = Math.min(left, size);
            size = Math.min(size * 2, MAX_BATCH);
            const batch = await consumer.fetch({ max_messages: max, expires: PULL_EXPIRES_MS });
            let got = 0;
            for await (const m of batch) {
              got++;
              left = m.info.pending;
              yield storedOf(m);
            }
            if (got === 0) return;
          }
        } finally {
          await close();
        }
      },
    };
  }
}

/** A delivery in the shape `parseDeadLetter` reads (headers-only: a stored message without its data). */
function storedOf(m: JsMsg): StoredMsg {
  const time = new Date(Math.floor(m.info.timestampNanos / 1e6));
  return {
    subject: m.subject,
    seq: m.seq,
    get header() {
      // Undecodable header blocks throw here; core's parser then reports the entry malformed.
      return m.headers ?? (undefined as unknown as StoredMsg['header']);
    },
    data: m.data,
    time,
    timestamp: time.toISOString(),
    lastSequence: 0,
    pending: m.info.pending,
    json: <T>() => m.json<T>(),
    string: () => m.string(),
  };
}
