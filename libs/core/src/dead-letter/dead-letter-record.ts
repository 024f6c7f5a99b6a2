import { type StoredMsg } from '@nats-io/jetstream';
import { storedHeaders } from '../codec/message-headers';
import { setHeader } from '../codec/header-map';
import { type DeadLetterReason } from '../retry';
import {
  type PayloadObjectRef,
  deadLetterHeadersName,
  deadLetterPayloadBucket,
  deadLetterPayloadName,
  parsePayloadRef,
} from './dead-letter-payloads';
import { DEAD_LETTER_HEADER_PREFIX, DeadLetterHeaders, deadLetterSubjectTail } from './dead-letter.headers';

/** Headers by name, each with all its values in order. */
export type DeadLetterHeaderMap = Record<string, string[]>;

/** Every `Jetbus-Dlq-Reason` this version knows. */
export const DEAD_LETTER_REASONS: readonly DeadLetterReason[] = [
  'error',
  'validation',
  'decode',
  'decrypt',
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
  /**
   * The original payload, as it was published; empty when `payload` says it is kept elsewhere
   * (`DeadLetterStore.payload(entry)` reads it from there).
   */
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
  /** Where the payload is: the body (`inline`), an object store bucket, or only the source stream. */
  payload: DeadLetterPayload;
  /**
   * The job's header block, escaped and cut at 2 KiB: when it could not be decoded (reason
   * `decode`), or when it is kept in an object store (`headersObject`).
   */
  rawHeaders?: string;
  /**
   * Where the job's header block is when it did not fit beside the dead-letter headers (JetStream's
   * 64 KiB header limit): then `headers` holds none of the job's own, and replay skips the entry
   * (`DeadLetterStore.headerBlock(entry)` reads the block).
   */
  headersObject?: PayloadObjectRef;
  /** Names of `Jetbus-Dlq-*` headers the job itself carried, dropped when it was dead-lettered. */
  forgedHeaders?: string;
  /** The job had in fact completed (only its ack was lost): replay skips it unless forced. */
  completed: boolean;
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

/** Where a dead letter's payload is (the `Jetbus-Dlq-Payload` header). */
export type DeadLetterPayload =
  | { kind: 'inline' }
  /** Too large to travel with the dead-letter headers: in a JetStream object store bucket. */
  | ({ kind: 'object'; size: number } & PayloadObjectRef)
  /** A minimal entry: the payload could not be copied and stays in the source stream at `stream`/`seq`. */
  | { kind: 'source'; size: number };

/** Every `Jetbus-Dlq-*` name this version writes, lower-cased, to tell its own from unknown ones. */
const OWN_HEADERS = new Set(Object.values(DeadLetterHeaders).map((n) => n.toLowerCase()));
const CANONICAL = new Set<string>(Object.values(DeadLetterHeaders));
const isCanonical = (name: string): boolean => CANONICAL.has(name);

const decoder = new TextDecoder();

/**
 * Parses a message read from the DLQ stream. Never throws: a message replay cannot use comes back
 * as a `MalformedDeadLetter`, and other missing or garbled fields get the documented fallbacks, so
 * one bad message (another client's, an older format) never breaks a listing.
 *
 * Only jetbus's own headers count: each `Jetbus-Dlq-*` field is read under its exact name and must
 * appear once. A second value, or the same name in another case, can only come from a producer
 * that forged it (jetbus versions before the writer dropped such headers copied them through), so
 * the entry is malformed rather than trusted. The original subject must also agree with the
 * subject the dead letter is stored under (`<subjectPrefix>.<subject>`): that one the producer
 * cannot choose, so a header can never send replay anywhere else.
 */
export function parseDeadLetter(msg: StoredMsg, subjectPrefix?: string, dlqStream?: string): DeadLetterEntry {
  const all: DeadLetterHeaderMap = {};
  const dlq = new Map<string, string>();
  const conflicts: string[] = [];
  const read = storedHeaders(msg);
  for (const [name, values] of read.headers ?? []) {
    setHeader(all, name, [...values]);
    const lower = name.toLowerCase();
    if (!lower.startsWith(DEAD_LETTER_HEADER_PREFIX.toLowerCase())) continue;
    if (OWN_HEADERS.has(lower) && (!isCanonical(name) || values.length !== 1)) conflicts.push(name);
    else dlq.set(name, values[0] ?? '');
  }
  const field = (header: string): string => (dlq.get(header) ?? '').trim();
  const data = msg.data;
  const base: DeadLetterMessage = {
    dlqSeq: msg.seq,
    dlqSubject: msg.subject,
    storedAt: msg.time,
    data,
    text: () => decoder.decode(data),
    json: <T>() => JSON.parse(decoder.decode(data)) as T,
  };
  const malformed = (problem: string): MalformedDeadLetter => ({
    ...base,
    kind: 'malformed',
    problem,
    headers: all,
  });

  if (read.undecodable)
    return malformed(`its header block cannot be decoded: ${read.undecodable.slice(0, 200)}`);
  if (conflicts.length > 0)
    return malformed(
      `dead-letter headers repeated or not in jetbus's spelling (${conflicts.join(', ')}): not written by jetbus alone`,
    );
  const subject = field(DeadLetterHeaders.Subject);
  const problem = subjectProblem(subject) ?? placementProblem(msg.subject, subject, subjectPrefix);
  if (problem) return malformed(problem);
  const payload = parsePayload(field(DeadLetterHeaders.Payload), field(DeadLetterHeaders.PayloadSize));
  if (!payload)
    return malformed(`${DeadLetterHeaders.Payload} "${field(DeadLetterHeaders.Payload)}" is not understood`);
  const headersValue = field(DeadLetterHeaders.Headers);
  const headersObject = headersValue ? parsePayloadRef(headersValue) : undefined;
  if (headersValue && !headersObject)
    return malformed(`${DeadLetterHeaders.Headers} "${headersValue}" is not understood`);
  const stream = field(DeadLetterHeaders.Stream);
  const seq = count(field(DeadLetterHeaders.Seq));
  if (dlqStream !== undefined) {
    // Only the object the writer would have put there: a forged reference to another object store
    // had replay publish that object to the entry's subject, and delete remove it.
    const bucket = deadLetterPayloadBucket(dlqStream, stream);
    const misplaced = (ref: PayloadObjectRef, name: string) => ref.bucket !== bucket || ref.name !== name;
    // Before payload buckets were one per source stream: `<DLQ>_PAYLOADS`, object `<stream>.<seq>`.
    const legacy = (ref: PayloadObjectRef) =>
      ref.bucket === `${dlqStream}_PAYLOADS` && ref.name === `${stream}.${seq}`;
    if (payload.kind === 'object' && misplaced(payload, deadLetterPayloadName(seq)) && !legacy(payload))
      return malformed(
        `${DeadLetterHeaders.Payload} "${field(DeadLetterHeaders.Payload)}" is not where jetbus keeps it`,
      );
    if (headersObject && misplaced(headersObject, deadLetterHeadersName(seq)))
      return malformed(`${DeadLetterHeaders.Headers} "${headersValue}" is not where jetbus keeps it`);
  }

  const failedAt = new Date(field(DeadLetterHeaders.FailedAt));
  const reason = field(DeadLetterHeaders.Reason);
  const handler = field(DeadLetterHeaders.Handler);
  const originalMsgId = field(DeadLetterHeaders.OriginalMsgId);
  const rawHeaders = field(DeadLetterHeaders.RawHeaders);
  const forgedHeaders = field(DeadLetterHeaders.ForgedHeaders);
  return {
    ...base,
    kind: 'dead-letter',
    subject,
    stream,
    seq,
    consumer: field(DeadLetterHeaders.Consumer),
    attempts: count(field(DeadLetterHeaders.Attempts)),
    reason: isDeadLetterReason(reason) ? reason : 'unknown',
    errorClass: field(DeadLetterHeaders.ErrorClass),
    errorMessage: field(DeadLetterHeaders.ErrorMessage),
    errorStack: field(DeadLetterHeaders.ErrorStack),
    failedAt: Number.isNaN(failedAt.getTime()) ? msg.time : failedAt,
    ...(handler ? { handler } : {}),
    ...(originalMsgId ? { originalMsgId } : {}),
    payload,
    completed: field(DeadLetterHeaders.Completed) === 'true',
    ...(rawHeaders ? { rawHeaders } : {}),
    ...(headersObject ? { headersObject } : {}),
    ...(forgedHeaders ? { forgedHeaders } : {}),
    headers: originalHeaders(all),
  };
}

function parsePayload(value: string, size: string): DeadLetterPayload | undefined {
  if (!value) return { kind: 'inline' };
  if (value === 'source') return { kind: 'source', size: count(size) };
  const ref = parsePayloadRef(value);
  return ref ? { kind: 'object', size: count(size), ...ref } : undefined;
}

/**
 * Why a dead letter's original subject disagrees with where it is stored: `<prefix>.<subject>`, or
 * for a long subject `<prefix>.<deadLetterSubjectTail(subject)>`. Without the prefix (a message
 * parsed on its own) the stored subject must at least end with `.<subject>` or `.<tail>`.
 */
function placementProblem(dlqSubject: string, subject: string, subjectPrefix?: string): string | undefined {
  const tails = new Set([subject, deadLetterSubjectTail(subject)]);
  const agrees = [...tails].some((tail) =>
    subjectPrefix === undefined ? dlqSubject.endsWith(`.${tail}`) : dlqSubject === `${subjectPrefix}.${tail}`,
  );
  if (agrees) return undefined;
  return `${DeadLetterHeaders.Subject} "${subject}" disagrees with the subject it is stored under ("${dlqSubject}")`;
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
