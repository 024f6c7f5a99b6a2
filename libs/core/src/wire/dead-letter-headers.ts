import { createHash } from 'node:crypto';

/**
 * Headers a dead letter carries beside the original payload and headers: the wire contract any
 * client (or the admin app, or `jetbus dlq`) reads. Values are single-line strings.
 */
export const DeadLetterHeaders = {
  /** The subject the job was published to; replay publishes back to it. */
  Subject: 'Jetbus-Dlq-Subject',
  Stream: 'Jetbus-Dlq-Stream',
  /** Stream sequence of the original message. */
  Seq: 'Jetbus-Dlq-Seq',
  Consumer: 'Jetbus-Dlq-Consumer',
  /** Deliveries made, including the last one. */
  Attempts: 'Jetbus-Dlq-Attempts',
  /** `error` | `validation` | `decode` | `max-deliveries` */
  Reason: 'Jetbus-Dlq-Reason',
  ErrorClass: 'Jetbus-Dlq-Error-Class',
  ErrorMessage: 'Jetbus-Dlq-Error-Message',
  /** The first frames of the stack, joined with ` | `. */
  ErrorStack: 'Jetbus-Dlq-Error-Stack',
  /** ISO 8601. */
  FailedAt: 'Jetbus-Dlq-Failed-At',
  /** `ClassName.method` of the handler, when a worker (not the reaper) dead-lettered it. */
  Handler: 'Jetbus-Dlq-Handler',
  /** The original `Nats-Msg-Id`, kept because `Nats-*` headers are not copied. */
  OriginalMsgId: 'Jetbus-Dlq-Original-Msg-Id',
  /**
   * Where the payload is when it is not the body: `object <bucket> <name>` (too large to travel
   * with the dead-letter headers, kept in a JetStream object store bucket) or `source` (a minimal
   * entry: the payload could not be copied and stays in the source stream at Stream/Seq).
   */
  Payload: 'Jetbus-Dlq-Payload',
  /** Payload size in bytes, when the payload is not the body. */
  PayloadSize: 'Jetbus-Dlq-Payload-Size',
  /**
   * The job's header block, escaped and cut at 2 KiB: when nats.js could not decode it (reason
   * `decode`), or when it is kept in an object store (`Headers`).
   */
  RawHeaders: 'Jetbus-Dlq-Raw-Headers',
  /**
   * Names of `Jetbus-Dlq-*` headers the job itself carried (in any case), which the writer dropped:
   * only jetbus writes that namespace, so a producer cannot forge a dead letter's metadata.
   */
  ForgedHeaders: 'Jetbus-Dlq-Forged-Headers',
  /**
   * `true` when the job had in fact completed (its handler's `idempotency` record says so) and only
   * its ack was lost: replay skips it unless forced.
   */
  Completed: 'Jetbus-Dlq-Completed',
  /**
   * `object <bucket> <name>` when the job's own headers did not fit beside the dead-letter headers
   * under JetStream's 64 KiB header limit: the header block, as received, is kept there and the
   * dead letter carries none of the job's headers.
   */
  Headers: 'Jetbus-Dlq-Headers',
} as const;

export type DeadLetterHeaderName = (typeof DeadLetterHeaders)[keyof typeof DeadLetterHeaders];

/** Prefix of every dead-letter header; replay strips them. */
export const DEAD_LETTER_HEADER_PREFIX = 'Jetbus-Dlq-';

/** Dedup id of a dead letter: a repeated write of the same job (worker and reaper racing) is stored once. */
export const deadLetterMsgId = (stream: string, seq: number): string => `dlq:${stream}:${seq}`;

/**
 * Dedup id of a replay: a replay that crashed after publishing and is run again publishes once.
 * The DLQ stream is part of it because a recreated DLQ starts again at seq 1.
 */
export const replayMsgId = (dlqStream: string, dlqSeq: number): string => `replay:${dlqStream}:${dlqSeq}`;

/**
 * The longest original subject (in UTF-8 bytes) a dead letter is stored under as is. A subject
 * reaches a worker in a line of at most 4 KiB (`max_control_line`), but `<prefix>.<subject>` with
 * the PubAck's reply subject can pass it, and the server answers such a publish by closing the
 * connection, every subscription and request of the process with it.
 */
export const DEAD_LETTER_SUBJECT_MAX = 2_048;
/** A token longer than this (bytes) is what makes a subject long; it is the first thing shortened. */
const LONG_TOKEN = 64;

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');
const digestToken = (s: string): string => `=h${createHash('sha256').update(s).digest('hex').slice(0, 32)}`;

/**
 * What a dead letter of `subject` is stored under, after `<prefix>.`: the subject itself, or, past
 * `DEAD_LETTER_SUBJECT_MAX`, the subject with each token longer than 64 bytes replaced by
 * `=h<digest>` (so a `*` in a permission or a filter still matches it), and if that is still too
 * long, its leading tokens and one `=h<digest>` for the rest (a `>` still matches). The original
 * subject stays whole in `Jetbus-Dlq-Subject`; a reader checks the two agree through this function.
 */
export function deadLetterSubjectTail(subject: string): string {
  if (byteLength(subject) <= DEAD_LETTER_SUBJECT_MAX) return subject;
  const tokens = subject.split('.').map((t) => (byteLength(t) > LONG_TOKEN ? digestToken(t) : t));
  const short = tokens.join('.');
  if (byteLength(short) <= DEAD_LETTER_SUBJECT_MAX) return short;
  const rest = digestToken(subject);
  let kept = '';
  for (const t of tokens) {
    if (byteLength(kept) + byteLength(t) + 1 + rest.length > DEAD_LETTER_SUBJECT_MAX) break;
    kept += `${t}.`;
  }
  return kept + rest;
}
