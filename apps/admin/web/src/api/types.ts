/**
 * The admin API's response shapes, as the contract states them. Every string in them may come
 * from anyone who can publish (subjects, headers, payloads, error texts): render them as text.
 */

export type Role = 'viewer' | 'operator' | 'admin';

export interface Session {
  name: string;
  role: Role;
  via: 'password' | 'oidc' | 'token';
  csrfToken: string;
}

export interface Providers {
  password: boolean;
  oidc: null | { label: string; loginUrl: string };
}

export interface StreamSummary {
  name: string;
  subjects: string[];
  retention: string;
  storage: string;
  replicas: number;
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  firstTime: string | null;
  lastTime: string | null;
  consumers: number;
  created: string;
  deadLetter: boolean;
  audit: boolean;
}

export interface StreamDetail {
  config: Record<string, unknown> & { name: string; subjects?: string[] };
  state: Record<string, unknown> & {
    messages?: number;
    bytes?: number;
    first_seq?: number;
    last_seq?: number;
  };
}

export interface ConsumerSummary {
  name: string;
  durable: boolean | string | null;
  filterSubject: string | null;
  ackPolicy: string;
  deliverPolicy: string;
  maxDeliver: number;
  ackWaitMs: number;
  maxAckPending: number;
  backoffMs: number[] | null;
  numPending: number;
  numAckPending: number;
  numRedelivered: number;
  numWaiting: number;
  lastActive: string | null;
  paused?: boolean;
  /** Whether (or how) the live consumer differs from what its handler declares. */
  drift: unknown;
}

export type PayloadFormat = 'json' | 'text' | 'hex';

export interface PayloadView {
  format: PayloadFormat;
  text: string;
  truncated: boolean;
  bytes: number;
  /** Set when the payload is encrypted: `text` is the ciphertext. */
  encryption?: { kid?: string; note: string };
}

export interface MessageView {
  seq: number;
  subject: string;
  time: string;
  size: number;
  headers: [string, string][];
  payload: PayloadView;
}

export interface DeadLetterItem {
  seq: number;
  id: string;
  msgId: string | null;
  subject: string;
  stream: string;
  streamSeq?: number;
  durable: string;
  handler?: string | null;
  reason: string;
  error: string;
  attempts: number;
  deadAt: string;
  traceId: string | null;
  /** Why the entry could not be read fully (headers missing or damaged). */
  malformed?: string;
}

/** One replay or edit of a dead letter (or of an earlier dead letter of the same job), from the audit. */
export interface DeadLetterHistoryEntry {
  auditSeq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  result: 'ok' | 'error';
  before?: unknown;
  after?: unknown;
  outcome?: unknown;
  error?: string;
}

export interface DeadLetterDetail extends DeadLetterItem {
  /** First frames of the stack (older entries may carry one string). */
  stack: string[] | string | null;
  storedAt?: string;
  /** The job had completed; only its ack was lost: replay skips it unless forced. */
  completed?: boolean;
  headers: [string, string][];
  payloadLocation?: 'inline' | 'object' | 'source';
  /** Null when the payload could not be read (`payloadError` says why). */
  payload: PayloadView | null;
  payloadError?: string;
  rawHeaders?: string;
  forgedHeaders?: string;
  history: DeadLetterHistoryEntry[];
}

export interface DeadLetterPage {
  items: DeadLetterItem[];
  next: string | null;
  scanned: number;
  total: number;
}

export interface ReplayJob {
  state: 'running' | 'done' | 'failed';
  total: number;
  replayed: number;
  skipped: number;
  failed: number;
  startedAt: string;
  finishedAt: string | null;
  errors: { seq: number; message: string }[];
}

export interface HandlerHeartbeat {
  handler: string;
  subject: string;
  stream: string;
  durable: string;
  concurrency: number;
  inFlight: number;
  processed: number;
  failed: number;
  retried: number;
  deadLettered: number;
}

export interface Worker {
  id: string;
  name: string;
  user: string;
  host: string;
  pid: number;
  version: string;
  startedAt: string;
  at: string;
  ageMs: number;
  handlers: HandlerHeartbeat[];
}

export interface Overview {
  streams: number;
  messages: number;
  bytes: number;
  deadLetters: number;
  scheduled: number;
  workers: number;
  consumers: number;
  pending: number;
  ackPending: number;
  handlers: {
    handler: string;
    subject: string;
    processed: number;
    failed: number;
    retried: number;
    deadLettered: number;
    inFlight: number;
  }[];
}

export type TimelineWindow = '15m' | '1h' | '6h' | '24h';

export interface Timeline {
  intervalMs: number;
  points: {
    at: string;
    processed: number;
    failed: number;
    retried: number;
    deadLettered: number;
    pending: number;
    deadLetters: number;
    scheduled: number;
  }[];
}

export interface AuditItem {
  seq: number;
  at: string;
  actor: string;
  role: Role;
  via: string;
  action: string;
  target: string;
  result: 'ok' | 'error';
  filter?: unknown;
  before?: unknown;
  after?: unknown;
  error?: string;
  outcome?: unknown;
  ip?: string;
  /** Refusals a coalesced `access.denied` entry stands for, first and last (absent: one). */
  count?: number;
  firstAt?: string;
  lastAt?: string;
}

/** A delayed job waiting in the scheduling stream (`GET /api/scheduled`). */
export interface ScheduledItem {
  jobId: string;
  subject: string;
  deliverAt: string | null;
  scheduledAt: string;
  seq: number;
  bytes: number;
}

export interface ScheduledPage {
  items: ScheduledItem[];
  next: string | null;
  total: number;
}

export interface CancelledJob {
  jobId: string;
  outcome: 'cancelled';
  subject: string | null;
  deliverAt: string | null;
}

/** A periodic schedule as its workers declared it (`GET /api/periodic`). */
export interface PeriodicSchedule {
  name: string;
  cron: string;
  timezone: string;
  subject: string;
  overlap: boolean;
  missed: 'skip' | 'run-once';
  /** `ClassName.method` of a `@Periodic`; null for a module-declared schedule. */
  handler: string | null;
  service: string;
  paused: boolean;
  pausedAt: string | null;
  lastTick: string | null;
  nextTick: string | null;
}

export interface PeriodicList {
  schedules: PeriodicSchedule[];
}

export interface PeriodicPaused {
  name: string;
  paused: boolean;
}

/** What `JETBUS_CANCELLED` records for a job. */
export interface JobCancellation {
  jobId: string;
  state: 'requested' | 'cancelled';
  requestedAt: string;
  settledAt?: string;
  while?: 'queued' | 'running';
  handler?: string;
  deadLettered?: boolean;
}

/** The answer of `POST /api/jobs/:jobId/cancel`. */
export interface JobCancelResult {
  jobId: string;
  outcome: 'cancelled' | 'requested';
  /** What became of a job that had been scheduled. */
  scheduled: 'cancelled' | 'released' | null;
  subject: string | null;
  cancellation: JobCancellation | null;
}
