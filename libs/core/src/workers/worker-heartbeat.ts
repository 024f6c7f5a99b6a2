/**
 * One `@JobHandler` of a worker process, as its heartbeat reports it. The counts are cumulative
 * since the process's `JetbusServer` started, for this handler in this process only.
 */
export interface HandlerHeartbeat {
  /** `ClassName.method`. */
  handler: string;
  subject: string;
  stream: string;
  durable: string;
  /** Jobs it runs at once, at most. */
  concurrency: number;
  /** Jobs running now. */
  inFlight: number;
  /**
   * Deliveries settled: completed (acked, or acked as already completed with `idempotency`),
   * retried, or dead-lettered. A delivery handed back unsettled (shutdown, a dead letter that could
   * not be written yet) is counted when it comes back.
   */
  processed: number;
  /** Of `processed`, those that did not complete: `retried` + `deadLettered`. */
  failed: number;
  /** Nak'ed with a backoff delay, to run again. */
  retried: number;
  /** Written to the dead-letter stream (or log), then terminated. */
  deadLettered: number;
  /**
   * The consumer settings this handler provisions (JetStream's field names, durations in
   * nanoseconds): what the admin app compares with the live consumer to show drift.
   */
  consumer?: DeclaredConsumer;
}

/** The consumer fields a handler declares, as JSON values. */
export type DeclaredConsumer = Record<string, string | number | number[]>;

/** What a running `JetbusServer` writes to the `JETBUS_WORKERS` KV bucket every `heartbeat.interval`. */
export interface WorkerHeartbeat {
  /** Its key in the bucket: `<user>.<host>.<pid>.<random>`. */
  id: string;
  /** The connection name: the module's service `name`. */
  name: string;
  /** The user of its creds (the JWT's name), or `anon`. */
  user: string;
  host: string;
  pid: number;
  /** The @jetbus/core version it runs. */
  version: string;
  /** When its `JetbusServer` started, ISO 8601. */
  startedAt: string;
  /** When this heartbeat was written, ISO 8601. */
  at: string;
  handlers: HandlerHeartbeat[];
}

const COUNTS = ['concurrency', 'inFlight', 'processed', 'failed', 'retried', 'deadLettered'] as const;
const TEXTS = ['handler', 'subject', 'stream', 'durable'] as const;

type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isText = (v: unknown): v is string => typeof v === 'string';
const isTime = (v: unknown): v is string => isText(v) && !Number.isNaN(Date.parse(v));

const isScalar = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';

/** A declared consumer, kept only when every field is a string, a number or a list of numbers (it is shown, never applied). */
function parseConsumer(v: unknown): DeclaredConsumer | undefined {
  if (!isObject(v)) return undefined;
  const entries = Object.entries(v);
  const valid = (value: unknown): boolean =>
    isScalar(value) || (Array.isArray(value) && value.every((n) => typeof n === 'number'));
  if (!entries.every(([, value]) => valid(value))) return undefined;
  return Object.fromEntries(entries) as DeclaredConsumer;
}

function parseHandler(v: unknown): HandlerHeartbeat | undefined {
  if (!isObject(v)) return undefined;
  if (!TEXTS.every((k) => isText(v[k])) || !COUNTS.every((k) => isCount(v[k]))) return undefined;
  const consumer = parseConsumer(v.consumer);
  // Copied field by field: an entry written by another version may carry more, which is not ours to pass on.
  return {
    ...(consumer ? { consumer } : {}),
    handler: v.handler as string,
    subject: v.subject as string,
    stream: v.stream as string,
    durable: v.durable as string,
    concurrency: v.concurrency as number,
    inFlight: v.inFlight as number,
    processed: v.processed as number,
    failed: v.failed as number,
    retried: v.retried as number,
    deadLettered: v.deadLettered as number,
  };
}

/**
 * A heartbeat read back from the bucket, or undefined when it is not one: the bucket can be written
 * by anyone its permissions let in (an older jetbus, a hand-made `nats kv put`), so nothing is
 * assumed. A value that fails any check is rejected whole rather than shown half-read.
 */
export function parseWorkerHeartbeat(value: unknown): WorkerHeartbeat | undefined {
  if (!isObject(value)) return undefined;
  const { id, name, user, host, pid, version, startedAt, at, handlers } = value;
  if (!isText(id) || !isText(name) || !isText(user) || !isText(host) || !isText(version)) return undefined;
  if (!isCount(pid) || !isTime(startedAt) || !isTime(at) || !Array.isArray(handlers)) return undefined;
  const parsed: HandlerHeartbeat[] = [];
  for (const h of handlers) {
    const handler = parseHandler(h);
    if (!handler) return undefined;
    parsed.push(handler);
  }
  return { id, name, user, host, pid, version, startedAt, at, handlers: parsed };
}
