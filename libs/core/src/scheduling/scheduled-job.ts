import { type StoredMsg } from '@nats-io/jetstream';
import { storedHeaders } from '../codec/message-headers';
import { headerMap } from '../codec/header-map';
import { DELIVER_AT_HEADER, parseScheduledSubject } from './scheduling-names';

/** A job waiting in the scheduling stream, as `listScheduled` and `cancel` report it. */
export interface ScheduledJob {
  /** Its `Jetbus-Job-Id`: what `cancel` takes. */
  jobId: string;
  /** The subject it is released to. */
  subject: string;
  /** When it is due; undefined when its `Jetbus-Deliver-At` header is missing or unreadable (released at once). */
  deliverAt: Date | undefined;
  /** When the scheduling stream stored it (the server's clock). */
  scheduledAt: Date;
  /** Its sequence in the scheduling stream. */
  seq: number;
  /** Its headers as published (untrusted text: escape it before printing). */
  headers: Record<string, string[]>;
  /** The encoded payload. */
  data: Uint8Array;
}

/** The latest time a `Date` holds (year 275760). */
const LATEST_DATE_MS = 8.64e15;

/**
 * The due time of an entry's header value: ISO 8601 or epoch milliseconds; undefined if unreadable.
 * Epoch milliseconds past the latest `Date` (`99999999999999999999` from a raw client) mean "later
 * than any date" and are read as that date: taken as they are, `new Date(ms)` would be invalid and
 * throw wherever the entry is shown (`jetbus jobs scheduled`, the admin app's Scheduled page).
 */
export function parseDueTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = /^\d+$/.test(value) ? Math.min(Number(value), LATEST_DATE_MS) : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The view of a stored entry, or undefined when its subject is not a scheduled job's. */
export function toScheduledJob(stored: StoredMsg): ScheduledJob | undefined {
  const parsed = parseScheduledSubject(stored.subject);
  if (!parsed) return undefined;
  const h = storedHeaders(stored).headers;
  const headers = headerMap(h);
  const due = parseDueTime(h?.get(DELIVER_AT_HEADER));
  return {
    jobId: parsed.jobId,
    subject: parsed.subject,
    deliverAt: due === undefined ? undefined : new Date(due),
    scheduledAt: stored.time,
    seq: stored.seq,
    headers,
    data: stored.data,
  };
}
