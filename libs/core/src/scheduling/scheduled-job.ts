import { type StoredMsg } from '@nats-io/jetstream';
import { storedHeaders } from '../codec/message-headers';
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

/** The due time of an entry's header value: ISO 8601 or epoch milliseconds; undefined if unreadable. */
export function parseDueTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The view of a stored entry, or undefined when its subject is not a scheduled job's. */
export function toScheduledJob(stored: StoredMsg): ScheduledJob | undefined {
  const parsed = parseScheduledSubject(stored.subject);
  if (!parsed) return undefined;
  const h = storedHeaders(stored).headers;
  const headers: Record<string, string[]> = {};
  for (const k of h?.keys() ?? []) headers[k] = h!.values(k);
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
