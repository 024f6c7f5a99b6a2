import { type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { type Logger } from 'pino';
import { jobHeaders } from '../codec/message-headers';
import { RateLimitStore, rateLimitKey } from './rate-limit-store';
import { type ResolvedRateLimit } from './rate-limit.options';

/**
 * Longest wait a job spends held in its process (kept alive by the runner's `working()`
 * heartbeats); a job whose slot is further away is nak'ed with the delay until it.
 */
export const HOLD_MAX_MS = 1_000;
/** A start that slipped past its guard is admitted again at most this many times, then deferred. */
const MAX_LATE_ROUNDS = 3;
/** When the bucket cannot be reached or stays contended: come back after about this long. */
const RETRY_MS = 1_000;

/** How the limiter reports a job that had to wait (held in process or nak'ed until its slot). */
export interface RateLimitMetrics {
  waited(seconds: number): void;
}

/** What the runner does with a job: start it now, or nak it with `deferMs` (not an attempt). */
export type RateLimitDecision = { start: true } | { start: false; deferMs: number };

const START: RateLimitDecision = { start: true };

/**
 * One handler's `rateLimit` in one process. `admit` is called right before the handler: it records
 * the start in the key's sliding log (shared by every instance) or decides how long the job waits.
 * Short waits are held here, long ones become a nak with a delay. At most half of the handler's
 * `concurrency` slots hold waiting jobs, so a limited key never takes every slot from the others.
 */
export class RateLimiter {
  private holding = 0;
  private readonly holdSlots: number;
  private warned = false;

  /** The limiter of a handler with `rateLimit`, else undefined. */
  static create(
    options: { rateLimit: ResolvedRateLimit | undefined; durable: string; concurrency: number },
    stream: string,
    js: JetStreamClient,
    metrics: { rateLimited: RateLimitMetrics },
    log: Logger,
  ): RateLimiter | undefined {
    const { rateLimit, durable, concurrency } = options;
    if (!rateLimit) return undefined;
    return new RateLimiter(
      rateLimit,
      { stream, durable, concurrency },
      new RateLimitStore(js),
      metrics.rateLimited,
      log,
    );
  }

  constructor(
    private readonly limit: ResolvedRateLimit,
    private readonly consumer: { stream: string; durable: string; concurrency: number },
    private readonly store: RateLimitStore,
    private readonly metrics: RateLimitMetrics,
    private readonly log: Logger,
  ) {
    this.holdSlots = Math.floor(consumer.concurrency / 2);
  }

  /**
   * Resolves `{ start: true }` when the handler must start at once (within the guard of its
   * admission), else the delay to nak the job with. `mayHold` false (a job running alone in its
   * process) never holds. Once `signal` aborts (shutdown) a held job resolves a deferral at once;
   * the runner has released it already.
   */
  async admit(
    msg: JsMsg,
    payload: unknown,
    mayHold: boolean,
    signal: AbortSignal,
  ): Promise<RateLimitDecision> {
    const key = rateLimitKey(this.consumer.stream, this.consumer.durable, this.keyOf(msg, payload));
    for (let round = 0; round < MAX_LATE_ROUNDS; round++) {
      // Taken before asking, so jobs asking at once cannot all be told to hold.
      const hold = mayHold && this.holding < this.holdSlots;
      if (hold) this.holding++;
      let admission;
      try {
        admission = await this.store.admit(key, this.limit, hold ? HOLD_MAX_MS : 0);
        const waitMs = 'admittedAt' in admission ? admission.admittedAt - Date.now() : 0;
        if (waitMs > 0) {
          this.metrics.waited(waitMs / 1000);
          await sleep(waitMs, signal);
        }
      } catch (e) {
        // Fail closed: without the log no start can be proven to keep the limit.
        this.warn(e);
        return this.defer(RETRY_MS);
      } finally {
        if (hold) this.holding--;
      }
      if ('waitMs' in admission) return this.defer(admission.contended ? RETRY_MS / 10 : admission.waitMs);
      if (signal.aborted) return { start: false, deferMs: 0 };
      // Half the guard here, the other half for the path from here to the handler's first statement.
      // A later start (a stalled event loop, a slow compare-and-set) could crowd a later window:
      // its admission stays in the log unused, which only costs a slot, and it asks again.
      if (Date.now() - admission.admittedAt <= this.limit.guardMs / 2) return START;
    }
    return this.defer(RETRY_MS / 10);
  }

  /** Nak delay: until the slot, spread by up to a quarter of the window so waiters do not return at once. */
  private defer(waitMs: number): RateLimitDecision {
    const deferMs = Math.ceil(waitMs + Math.random() * Math.min(this.limit.perMs, RETRY_MS) * 0.25);
    this.metrics.waited(deferMs / 1000);
    return { start: false, deferMs: Math.max(1, deferMs) };
  }

  private keyOf(msg: JsMsg, payload: unknown): string | undefined {
    const { key } = this.limit;
    if (key === undefined) return undefined;
    if (typeof key === 'function') {
      // A function that throws fails the job like its handler would; a non-string is its text.
      const value: unknown = key(payload);
      return value === undefined || value === null || value === '' ? undefined : String(value);
    }
    const headers = jobHeaders(msg).headers;
    return (headers?.has(key) && headers.get(key)) || undefined;
  }

  private warn(e: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.log.warn({ err: e }, 'rate-limit bucket unavailable: limited jobs are nak-ed until it answers');
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
