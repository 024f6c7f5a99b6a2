import {
  type DeadLetterEntry,
  type DeadLetterFilter,
  type DeadLetterRecord,
  matchesDeadLetterFilter,
  parseDeadLetterFilter,
} from '@jetbus/core';
import { type MsgHdrs } from '@nats-io/transport-node';
import { DeadLetterHeaders as H, JOB_ID_HEADER } from '@jetbus/core/wire';
import { type DeadLetterFilterDto } from './dto/dead-letter-filter.dto';

/** Core's filter as `parseDeadLetterFilter` returns it (the type is not exported from the root). */
type CoreFilter = ReturnType<typeof parseDeadLetterFilter>;

/**
 * What the admin app selects dead letters by: core's filter (subject, reason, error, since,
 * until, matched by `matchesDeadLetterFilter`) plus the job identity and free text people search
 * by, which core's filter does not have.
 */
export interface DeadLetterCriteria {
  core: CoreFilter;
  jobId?: string;
  msgId?: string;
  /** Lower-cased. */
  text?: string;
  /** Handler (`ClassName.method`) or durable consumer. */
  handler?: string;
}

/** The criteria of a validated filter DTO; core checks its part again (a 400 if it disagrees). */
export function toCriteria(dto: DeadLetterFilterDto = {}): DeadLetterCriteria {
  const filter: DeadLetterFilter = {};
  if (dto.subject !== undefined) filter.subject = dto.subject;
  if (dto.reason !== undefined) filter.reason = dto.reason;
  if (dto.error !== undefined) filter.error = dto.error;
  if (dto.since !== undefined) filter.since = new Date(dto.since);
  if (dto.until !== undefined) filter.until = new Date(dto.until);
  return {
    core: parseDeadLetterFilter(filter),
    ...(dto.id !== undefined ? { jobId: dto.id } : {}),
    ...(dto.msgId !== undefined ? { msgId: dto.msgId } : {}),
    ...(dto.q !== undefined ? { text: dto.q.toLowerCase() } : {}),
    ...(dto.handler !== undefined ? { handler: dto.handler } : {}),
  };
}

/** True when the criteria select nothing in particular (every dead letter). */
export function selectsAll(c: DeadLetterCriteria): boolean {
  const coreEmpty = Object.values(c.core).every((v) => v === undefined);
  return coreEmpty && c.jobId === undefined && c.msgId === undefined && c.text === undefined && !c.handler;
}

/**
 * The job's identity as replay keeps it (`Jetbus-Job-Id` header, else the original msg id, else
 * `<stream>:<seq>`): core's replay sets the same, so a job is found by one id across replays.
 */
export function jobIdOf(entry: DeadLetterRecord): string {
  return entry.headers[JOB_ID_HEADER]?.[0] || entry.originalMsgId || `${entry.stream}:${entry.seq}`;
}

/** `<error class>: <message>`, or whichever of the two is there. */
export const errorTextOf = (entry: DeadLetterRecord): string =>
  [entry.errorClass, entry.errorMessage].filter(Boolean).join(': ');

/** Whether an entry passes every criterion. A malformed entry has no job fields: only "all" shows it. */
export function matchesCriteria(entry: DeadLetterEntry, c: DeadLetterCriteria): boolean {
  if (!matchesDeadLetterFilter(entry, c.core)) return false;
  const extra = c.jobId !== undefined || c.msgId !== undefined || c.text !== undefined || !!c.handler;
  if (entry.kind === 'malformed') return !extra;
  if (c.jobId !== undefined && jobIdOf(entry) !== c.jobId) return false;
  if (c.msgId !== undefined && entry.originalMsgId !== c.msgId) return false;
  if (c.handler !== undefined && entry.handler !== c.handler && entry.consumer !== c.handler) return false;
  if (c.text !== undefined) {
    const fields = [jobIdOf(entry), entry.originalMsgId ?? '', entry.subject, errorTextOf(entry)];
    if (!fields.some((f) => f.toLowerCase().includes(c.text ?? ''))) return false;
  }
  return true;
}

/**
 * A cheap first look at the raw headers of a DLQ message for the text criteria, before core
 * parses it: false only when the entry cannot match (the values it would be matched on do not
 * contain the text). Parsing is most of a search's cost, and a text search rejects nearly every
 * entry. Whatever passes is parsed and matched by `matchesCriteria`, which alone decides; an entry
 * whose headers core would call malformed matches no text criterion, so rejecting it is right too.
 */
export function mayMatchHeaders(h: MsgHdrs | undefined, c: DeadLetterCriteria): boolean {
  if (c.core.error === undefined && c.text === undefined && c.jobId === undefined && c.msgId === undefined)
    return true;
  if (!h) return false;
  const value = (name: string): string => (h.has(name) ? h.get(name).trim() : '');
  const msgId = value(H.OriginalMsgId);
  const error = [value(H.ErrorClass), value(H.ErrorMessage)].filter(Boolean).join(': ').toLowerCase();
  if (c.core.error !== undefined && !error.includes(c.core.error.toLowerCase())) return false;
  if (c.msgId !== undefined && msgId !== c.msgId) return false;
  // Without either header the job id is core's `<stream>:<seq>` fallback: left to the full match.
  const jobId = value(JOB_ID_HEADER) || msgId;
  if (!jobId) return true;
  if (c.jobId !== undefined && jobId !== c.jobId) return false;
  if (c.text !== undefined) {
    const text = c.text;
    const fields = [jobId, msgId, value(H.Subject), error];
    if (!fields.some((f) => f.toLowerCase().includes(text))) return false;
  }
  return true;
}
