import { type JetStreamClient } from '@nats-io/jetstream';
import { type KV } from '@nats-io/kv';
import { type Logger } from 'pino';
import { kvKeyPart, openOrCreateKv } from '../connection/kv-bucket';
import { OpenOnce } from '../connection/open-once';
import { ATTEMPT_LEDGER_BUCKET } from '../wire/names';

export { ATTEMPT_LEDGER_BUCKET };
/** Records outlive any retry schedule (5 attempts of at most 5 min backoff by default) by far. */
const RECORD_TTL_MS = 7 * 24 * 3600_000;

/**
 * What jetbus knows about one job on one consumer beyond the server's delivery count. Only jobs
 * that were retried, released at shutdown or run in isolation have a record: the first delivery of
 * a job never reads or writes one.
 */
export interface AttemptRecord {
  /** The delivery that jetbus settled with a nak (a retry, a shutdown release). */
  settledAt: number;
  /** Handler failures so far: what `maxAttempts` counts, unlike server deliveries. */
  failures: number;
  /** Runs in isolation that did not end in a settlement: the process died (or hung) with the job alone. */
  isolatedCrashes: number;
  /** The delivery last run in isolation, 0 when none. */
  isolatedAt: number;
  /** Deliveries nak-ed by `rateLimit` to wait for a slot: not attempts. */
  deferrals: number;
  /**
   * The DLQ sequence of the job's dead letter, written once it is stored and before the job is
   * terminated, 0 when none: a worker killed in between leaves a job that must not run again.
   */
  deadLetterSeq: number;
}

/** The record of a job nothing was recorded for yet. */
export const NO_ATTEMPTS: AttemptRecord = Object.freeze({
  settledAt: 0,
  failures: 0,
  isolatedCrashes: 0,
  isolatedAt: 0,
  deferrals: 0,
  deadLetterSeq: 0,
});
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A stored record as jetbus uses it: each count a whole number of at least 0, else 0. The bucket is
 * writable by whoever has the rights; a count that is not a number (`"x"`) would never reach
 * `maxAttempts` or `crashLimit` (`"x" + 1` is `"x1"`), and the job would be retried forever.
 */
export function readAttemptRecord(value: unknown): AttemptRecord {
  const v = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const count = (name: keyof AttemptRecord): number => {
    const n = v[name];
    return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : 0;
  };
  return {
    settledAt: count('settledAt'),
    failures: count('failures'),
    isolatedCrashes: count('isolatedCrashes'),
    isolatedAt: count('isolatedAt'),
    deferrals: count('deferrals'),
    deadLetterSeq: count('deadLetterSeq'),
  };
}

export const attemptKey = (stream: string, consumer: string, seq: number): string =>
  `${kvKeyPart(stream)}.${kvKeyPart(consumer)}.${seq}`;

/**
 * The record of deliveries, in a KV bucket shared by every instance: a job nak'ed by one worker and
 * redelivered to another is known to have been settled, while one whose previous delivery simply
 * stopped (the worker died with it) is a suspect. Failures to reach the bucket are logged and
 * treated as "no record": the job then runs in isolation, which is safe, and the consumer's server
 * `max_deliver` still bounds it.
 */
export class AttemptLedger {
  private readonly buckets: OpenOnce<KV>;
  private warned = false;

  constructor(
    private readonly js: JetStreamClient,
    private readonly log: Logger,
    private readonly bucket = ATTEMPT_LEDGER_BUCKET,
  ) {
    this.buckets = new OpenOnce((name) => openOrCreateKv(js, name, { history: 1, ttl: RECORD_TTL_MS }));
  }

  async get(key: string): Promise<AttemptRecord | undefined> {
    try {
      const entry = await (await this.open()).get(key);
      if (!entry || entry.operation !== 'PUT' || entry.length === 0) return undefined;
      return readAttemptRecord(JSON.parse(decoder.decode(entry.value)));
    } catch (e) {
      this.warn(e);
      return undefined;
    }
  }

  /** Writes the record; resolves false (logged) when the bucket cannot be reached. */
  async put(key: string, record: AttemptRecord): Promise<boolean> {
    try {
      await (await this.open()).put(key, encoder.encode(JSON.stringify(record)));
      return true;
    } catch (e) {
      this.warn(e);
      return false;
    }
  }

  /** Forgets a settled job (acked or dead-lettered); best effort, the TTL cleans up the rest. */
  async delete(key: string): Promise<void> {
    try {
      await (await this.open()).purge(key);
    } catch (e) {
      this.warn(e);
    }
  }

  private open(): Promise<KV> {
    return this.buckets.get(this.bucket);
  }

  private warn(e: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.log.warn(
      { err: e, bucket: this.bucket },
      'attempt ledger unavailable: redelivered jobs run in isolation and count server deliveries',
    );
  }
}
