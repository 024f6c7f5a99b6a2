import { type StoredMsg } from '@nats-io/jetstream';
import { type DeadLetterReason } from '../retry';
import { DEAD_LETTER_HEADER_PREFIX, DeadLetterHeaders } from './dead-letter.headers';

/** Headers by name, each with all its values in order. */
export type DeadLetterHeaderMap = Record<string, string[]>;

/** Every `Jetbus-Dlq-Reason` this version knows. */
export const DEAD_LETTER_REASONS: readonly DeadLetterReason[] = [
  'error',
  'validation',
  'decode',
  'max-deliveries',
];

export const isDeadLetterReason = (value: string): value is DeadLetterReason =>
  (DEAD_LETTER_REASONS as readonly string[]).includes(value);

/** What every message of the DLQ stream has, well-formed or not. */
interface DeadLetterMessage {
  /** Sequence of the dead letter in the DLQ stream: its id for `get`, `delete` and replay. */
  dlqSeq: number;
  /** Subject of the dead letter in the DLQ stream (`dlq.<original subject>`). */
  dlqSubject: string;
  /** When the DLQ stream stored it. */
  storedAt: Date;
  /** The original payload, as it was published. */
  data: Uint8Array;
  /** `data` as UTF-8 text. */
  text(): string;
  /** `data` parsed as JSON; throws `SyntaxError` if it is not JSON. */
  json<T = unknown>(): T;
}

/** One dead letter, parsed from its `Jetbus-Dlq-*` headers. */
export interface DeadLetterRecord extends DeadLetterMessage {
  kind: 'dead-letter';
  /** The subject the job was published to; replay publishes back to it. */
  subject: string;
  /** Stream and sequence of the original message; `''` / `0` when the header is missing. */
  stream: string;
  seq: number;
  /** Durable consumer that gave up on it; `''` when unknown. */
  consumer: string;
  /** Deliveries made, including the last one; `0` when unknown. */
  attempts: number;
  /** `'unknown'` when the header is missing or not one this version knows. */
  reason: DeadLetterReason | 'unknown';
  errorClass: string;
  errorMessage: string;
  /** The first frames of the stack, joined with ` | `. */
  errorStack: string;
  /** When the job failed; `storedAt` when the header is missing or not a date. */
  failedAt: Date;
  /** `ClassName.method` of the handler, when a worker (not the reaper) dead-lettered it. */
  handler?: string;
  /** The original `Nats-Msg-Id`. */
  originalMsgId?: string;
  /**
   * The original headers, the ones replay publishes: every header except `Jetbus-Dlq-*` and
   * `Nats-*`. The writer does not copy `Nats-*` headers, so any on the DLQ message belong to the
   * DLQ publish itself (its `Nats-Msg-Id` is `dlq:<stream>:<seq>`), never to the job.
   */
  headers: DeadLetterHeaderMap;
}

/**
 * A message in the DLQ stream that is not a usable dead letter (no valid `Jetbus-Dlq-Subject`, so
 * there is nowhere to replay it). Listed so people can see and delete it; replay skips it.
 */
export interface MalformedDeadLetter extends DeadLetterMessage {
  kind: 'malformed';
  /** What is wrong, for people. */
  problem: string;
  /** Every header as stored, `Jetbus-Dlq-*` included. */
  headers: DeadLetterHeaderMap;
}

export type DeadLetterEntry = DeadLetterRecord | MalformedDeadLetter;

const decoder = new TextDecoder();

/**
 * Parses a message read from the DLQ stream. Never throws: a message replay cannot use comes back
 * as a `MalformedDeadLetter`, and other missing or garbled fields get the documented fallbacks, so
 * one bad message (another client's, an older format) never breaks a listing.
 */
export function parseDeadLetter(msg: StoredMsg): DeadLetterEntry {
  const all: DeadLetterHeaderMap = {};
  // Keys compared case-insensitively: clients in other languages may canonicalise header names.
  const dlq = new Map<string, string>();
  for (const [name, values] of msg.header) {
    all[name] = [...values];
    const lower = name.toLowerCase();
    if (lower.startsWith(DEAD_LETTER_HEADER_PREFIX.toLowerCase()) && !dlq.has(lower))
      dlq.set(lower, values[0] ?? '');
  }
  const field = (header: string): string => (dlq.get(header.toLowerCase()) ?? '').trim();
  const data = msg.data;
  const base: DeadLetterMessage = {
    dlqSeq: msg.seq,
    dlqSubject: msg.subject,
    storedAt: msg.time,
    data,
    text: () => decoder.decode(data),
    json: <T>() => JSON.parse(decoder.decode(data)) as T,
  };

  const subject = field(DeadLetterHeaders.Subject);
  const problem = subjectProblem(subject);
  if (problem) return { ...base, kind: 'malformed', problem, headers: all };

  const failedAt = new Date(field(DeadLetterHeaders.FailedAt));
  const reason = field(DeadLetterHeaders.Reason);
  const handler = field(DeadLetterHeaders.Handler);
  const originalMsgId = field(DeadLetterHeaders.OriginalMsgId);
  return {
    ...base,
    kind: 'dead-letter',
    subject,
    stream: field(DeadLetterHeaders.Stream),
    seq: count(field(DeadLetterHeaders.Seq)),
    consumer: field(DeadLetterHeaders.Consumer),
    attempts: count(field(DeadLetterHeaders.Attempts)),
    reason: isDeadLetterReason(reason) ? reason : 'unknown',
    errorClass: field(DeadLetterHeaders.ErrorClass),
    errorMessage: field(DeadLetterHeaders.ErrorMessage),
    errorStack: field(DeadLetterHeaders.ErrorStack),
    failedAt: Number.isNaN(failedAt.getTime()) ? msg.time : failedAt,
    ...(handler ? { handler } : {}),
    ...(originalMsgId ? { originalMsgId } : {}),
    headers: originalHeaders(all),
  };
}

function originalHeaders(all: DeadLetterHeaderMap): DeadLetterHeaderMap {
  const prefix = DEAD_LETTER_HEADER_PREFIX.toLowerCase();
  return Object.fromEntries(
    Object.entries(all).filter(([name]) => {
      const lower = name.toLowerCase();
      return !lower.startsWith(prefix) && !lower.startsWith('nats-');
    }),
  );
}

const count = (value: string): number => (/^\d+$/.test(value) ? Number(value) : 0);

/** Why `subject` cannot be published to, or undefined when it can. */
function subjectProblem(subject: string): string | undefined {
  if (!subject) return `no ${DeadLetterHeaders.Subject} header: the original subject is unknown`;
  if (/\s/.test(subject) || subject.split('.').some((t) => t === '' || t === '*' || t === '>'))
    return `${DeadLetterHeaders.Subject} "${subject}" is not a subject one can publish to`;
  return undefined;
}
