import { localInputToIso } from '../format';

/** The dead-letter search as typed; `since`/`until` are `datetime-local` values. */
export interface DeadLetterSearch {
  q: string;
  error: string;
  subject: string;
  reason: string;
  handler: string;
  since: string;
  until: string;
}

export const SEARCH_FIELDS = ['q', 'error', 'subject', 'reason', 'handler', 'since', 'until'] as const;

/** Why a job was dead-lettered (core's `DeadLetterReason`). */
export const REASONS = ['error', 'validation', 'decode', 'decrypt', 'max-deliveries'];

export const emptySearch = (): DeadLetterSearch => ({
  q: '',
  error: '',
  subject: '',
  reason: '',
  handler: '',
  since: '',
  until: '',
});

export function searchFromParams(params: URLSearchParams): DeadLetterSearch {
  const s = emptySearch();
  for (const field of SEARCH_FIELDS) s[field] = params.get(field) ?? '';
  return s;
}

/** The search as the API's filter: set fields only, times as ISO-8601. */
export function toFilter(s: DeadLetterSearch): Record<string, string> {
  const filter: Record<string, string> = {};
  for (const field of ['q', 'error', 'subject', 'reason', 'handler'] as const) {
    const v = s[field].trim();
    if (v) filter[field] = v;
  }
  const since = localInputToIso(s.since);
  const until = localInputToIso(s.until);
  if (since) filter.since = since;
  if (until) filter.until = until;
  return filter;
}

export const describeFilter = (filter: Record<string, string>): string =>
  Object.keys(filter).length === 0
    ? 'every dead letter'
    : Object.entries(filter)
        .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
        .join(', ');
