import { type DeadLetterEntry, type DeadLetterHeaderMap, TRACEPARENT, parseTraceparent } from '@jetbus/core';
import { escapeControlChars } from '../payload-view';
import { errorTextOf, jobIdOf } from './dead-letter-criteria';
import { type DeadLetterItemDto } from './dto/dead-letter-item.dto';

/**
 * A dead letter as a search row. Everything in it comes from the wire (whoever published the job
 * chose its subject, headers and error text): strings only, unsafe characters escaped, never markup.
 */
export function itemOf(entry: DeadLetterEntry): DeadLetterItemDto {
  if (entry.kind === 'malformed') {
    return {
      seq: entry.dlqSeq,
      id: '',
      msgId: null,
      subject: escapeControlChars(entry.dlqSubject),
      stream: '',
      streamSeq: 0,
      durable: '',
      handler: null,
      reason: 'malformed',
      error: escapeControlChars(entry.problem),
      attempts: 0,
      deadAt: entry.storedAt.toISOString(),
      traceId: traceIdOf(entry.headers),
      malformed: escapeControlChars(entry.problem),
    };
  }
  return {
    seq: entry.dlqSeq,
    id: escapeControlChars(jobIdOf(entry)),
    msgId: entry.originalMsgId !== undefined ? escapeControlChars(entry.originalMsgId) : null,
    subject: escapeControlChars(entry.subject),
    stream: escapeControlChars(entry.stream),
    streamSeq: entry.seq,
    durable: escapeControlChars(entry.consumer),
    handler: entry.handler !== undefined ? escapeControlChars(entry.handler) : null,
    reason: entry.reason,
    error: escapeControlChars(errorTextOf(entry)),
    attempts: entry.attempts,
    deadAt: entry.failedAt.toISOString(),
    traceId: traceIdOf(entry.headers),
  };
}

/** The trace id of the job's `traceparent`, if it carries a valid one. */
export function traceIdOf(headers: DeadLetterHeaderMap): string | null {
  const name = Object.keys(headers).find((n) => n.toLowerCase() === TRACEPARENT);
  return (name && parseTraceparent(headers[name]?.[0])?.traceId) || null;
}

/** Headers as `[name, value]` pairs, one per value, in order, escaped. */
export function headerPairs(headers: DeadLetterHeaderMap): [string, string][] {
  return Object.entries(headers).flatMap(([name, values]) =>
    values.map((v): [string, string] => [escapeControlChars(name), escapeControlChars(v)]),
  );
}
