import { JetbusConfigError } from '../errors';
import { type DeadLetterReason } from '../retry';
import { type DeadLetterEntry, DEAD_LETTER_REASONS, isDeadLetterReason } from './dead-letter-record';

/** Which dead letters to list, replay or purge. Every criterion given must hold; none selects all. */
export interface DeadLetterFilter {
  /** Only these dead letters (DLQ stream sequences). */
  ids?: readonly number[];
  /** Original subject: exact, or a NATS wildcard pattern such as `orders.*` or `orders.>`. */
  subject?: string;
  /** Durable consumer that gave up on the job, exact. */
  consumer?: string;
  reason?: DeadLetterReason;
  /** Case-insensitive substring of `<error class>: <error message>`. */
  error?: string;
  /** Failed at or after this time. */
  since?: Date;
  /** Failed before this time. */
  until?: Date;
  /** At most this many, lowest DLQ sequence first. @default no limit */
  limit?: number;
}

/** A filter checked by `parseDeadLetterFilter`, its `ids` sorted and unique. */
export interface ParsedDeadLetterFilter extends Omit<DeadLetterFilter, 'ids'> {
  ids?: number[];
}

/** Validates a filter, throwing `JetbusConfigError` with the name of the bad field (`filter.limit`). */
export function parseDeadLetterFilter(filter: DeadLetterFilter = {}): ParsedDeadLetterFilter {
  const parsed: ParsedDeadLetterFilter = { ...filter, ids: undefined };
  if (filter.ids !== undefined) {
    filter.ids.forEach((id, i) => {
      if (!isSequence(id))
        throw new JetbusConfigError(`filter.ids[${i}]`, `must be a positive integer, got ${id}`);
    });
    parsed.ids = [...new Set(filter.ids)].sort((a, b) => a - b);
  }
  if (filter.subject !== undefined) {
    const problem = subjectPatternProblem(filter.subject);
    if (problem) throw new JetbusConfigError('filter.subject', problem);
  }
  if (filter.consumer !== undefined && filter.consumer === '')
    throw new JetbusConfigError('filter.consumer', 'must not be empty');
  if (filter.reason !== undefined && !isDeadLetterReason(filter.reason))
    throw new JetbusConfigError(
      'filter.reason',
      `must be one of ${DEAD_LETTER_REASONS.join(', ')}, got "${filter.reason}"`,
    );
  if (filter.error !== undefined && filter.error === '')
    throw new JetbusConfigError('filter.error', 'must not be empty');
  for (const key of ['since', 'until'] as const) {
    const value = filter[key];
    if (value !== undefined && (!(value instanceof Date) || Number.isNaN(value.getTime())))
      throw new JetbusConfigError(`filter.${key}`, `must be a valid Date, got ${String(value)}`);
  }
  if (filter.limit !== undefined && !isSequence(filter.limit))
    throw new JetbusConfigError('filter.limit', `must be a positive integer, got ${filter.limit}`);
  if (parsed.ids === undefined) delete parsed.ids;
  return parsed;
}

/** True when the filter picks dead letters by something, not all of them (a `limit` alone does not count). */
export function hasDeadLetterCriteria(filter: DeadLetterFilter): boolean {
  return filter.ids !== undefined || hasFieldCriteria(filter);
}

const FIELD_CRITERIA = ['subject', 'consumer', 'reason', 'error', 'since', 'until'] as const;
const hasFieldCriteria = (filter: DeadLetterFilter): boolean =>
  FIELD_CRITERIA.some((key) => filter[key] !== undefined);

/**
 * Whether an entry passes every criterion of a parsed filter except `limit`. A malformed entry has
 * none of the fields the criteria look at, so it matches only a filter by `ids` or none at all.
 */
export function matchesDeadLetterFilter(entry: DeadLetterEntry, filter: ParsedDeadLetterFilter): boolean {
  if (filter.ids && !filter.ids.includes(entry.dlqSeq)) return false;
  if (entry.kind === 'malformed') return !hasFieldCriteria(filter);
  if (filter.subject !== undefined && !subjectMatches(filter.subject, entry.subject)) return false;
  if (filter.consumer !== undefined && entry.consumer !== filter.consumer) return false;
  if (filter.reason !== undefined && entry.reason !== filter.reason) return false;
  if (
    filter.error !== undefined &&
    !`${entry.errorClass}: ${entry.errorMessage}`.toLowerCase().includes(filter.error.toLowerCase())
  )
    return false;
  if (filter.since !== undefined && entry.failedAt.getTime() < filter.since.getTime()) return false;
  if (filter.until !== undefined && entry.failedAt.getTime() >= filter.until.getTime()) return false;
  return true;
}

/** NATS subject matching: `*` matches one token, a final `>` one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

function subjectPatternProblem(pattern: string): string | undefined {
  if (pattern === '') return 'must not be empty';
  if (/\s/.test(pattern)) return `must not contain whitespace, got "${pattern}"`;
  const tokens = pattern.split('.');
  if (tokens.some((t) => t === '')) return `has an empty token: "${pattern}"`;
  if (tokens.slice(0, -1).includes('>')) return `">" may only be the last token: "${pattern}"`;
  if (tokens.some((t) => t.length > 1 && /[*>]/.test(t)))
    return `wildcards must be whole tokens: "${pattern}"`;
  return undefined;
}

const isSequence = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
