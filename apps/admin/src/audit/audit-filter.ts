import { type AuditEntry } from './audit-entry';

/** What a reader looks for in the audit trail; every field optional, all must match. */
export interface AuditFilter {
  /** Exact actor name. */
  actor?: string | undefined;
  /** Prefix of the dotted action: `dlq` matches `dlq.replay` and `dlq.edit-replay`. */
  action?: string | undefined;
  /** Case-insensitive text in the target, the bulk filter or the error. */
  q?: string | undefined;
  /** Epoch milliseconds, inclusive. */
  since?: number | undefined;
  /** Epoch milliseconds, exclusive. */
  until?: number | undefined;
  result?: 'ok' | 'error' | undefined;
}

/** The filter of a request's ISO strings, as times. */
export function auditFilterOf(query: {
  actor?: string | undefined;
  action?: string | undefined;
  q?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  result?: 'ok' | 'error' | undefined;
}): AuditFilter {
  return {
    actor: query.actor,
    action: query.action,
    q: query.q?.toLowerCase(),
    since: query.since === undefined ? undefined : Date.parse(query.since),
    until: query.until === undefined ? undefined : Date.parse(query.until),
    result: query.result,
  };
}

/** The text `q` searches: target, filter and error, each as the reader would see it. */
function searchableText(entry: AuditEntry): string {
  const filter = entry.filter === undefined ? '' : JSON.stringify(entry.filter);
  return `${entry.target}\n${filter}\n${entry.error ?? ''}`.toLowerCase();
}

export function matchesAudit(entry: AuditEntry, filter: AuditFilter): boolean {
  if (filter.actor !== undefined && entry.actor !== filter.actor) return false;
  if (filter.action !== undefined && !entry.action.startsWith(filter.action)) return false;
  if (filter.result !== undefined && entry.result !== filter.result) return false;
  const at = Date.parse(entry.at);
  if (filter.since !== undefined && !(at >= filter.since)) return false;
  if (filter.until !== undefined && !(at < filter.until)) return false;
  if (filter.q && !searchableText(entry).includes(filter.q)) return false;
  return true;
}

/** Whether `value` parsed from the stream has the fields every entry is written with. */
export function isAuditEntry(value: unknown): value is AuditEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.at === 'string' &&
    typeof v.actor === 'string' &&
    typeof v.action === 'string' &&
    typeof v.target === 'string' &&
    (v.result === 'ok' || v.result === 'error')
  );
}
