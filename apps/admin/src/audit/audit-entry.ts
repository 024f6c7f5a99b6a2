import { type AdminRole } from '../auth/admin-role';

/** One state-changing action, as appended to the audit stream (one JSON message per entry). */
export interface AuditEntry {
  /** ISO time the action finished. */
  at: string;
  actor: string;
  role: AdminRole;
  via: 'password' | 'oidc' | 'token';
  /** Dotted verb, e.g. `stream.create`, `dlq.replay`, `dlq.edit-replay`, `auth.login`. */
  action: string;
  /** What it acted on: a stream, `stream/consumer`, a dead letter's sequence. */
  target: string;
  /** The filter of a bulk action, as the caller sent it. */
  filter?: unknown;
  /** The state before an edit (e.g. the original payload) and after it. */
  before?: unknown;
  after?: unknown;
  result: 'ok' | 'error';
  /** The error's message when `result` is `error`. */
  error?: string;
  /** What the action reported, e.g. `{ replayed: 12, failed: 0 }`. */
  outcome?: unknown;
  ip?: string;
  /**
   * How many refusals this entry stands for, when `access.denied` repeats were counted into one
   * entry (absent: one); `firstAt` and `lastAt` are the first and the last of them.
   */
  count?: number;
  firstAt?: string;
  lastAt?: string;
}

/** A stored entry with its audit stream sequence. */
export interface StoredAuditEntry extends AuditEntry {
  seq: number;
}
