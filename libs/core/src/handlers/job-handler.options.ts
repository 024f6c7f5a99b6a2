import { type Type } from '@nestjs/common';
import { type DeadLetterTarget } from '../dead-letter/dead-letter.sink';
import { type FairnessOptions, type PrioritiesOption, type ResolvedLanes } from '../lanes/lane-options';
import { type RateLimitOptions, type ResolvedRateLimit } from '../rate-limit/rate-limit.options';
import { type BackoffOptions, type Duration } from '../retry';

/**
 * Options of one `@JobHandler`; unset ones come from `handlerDefaults`, then from these defaults.
 * Checked at startup: an unknown key or a wrong type fails naming the handler and the option.
 * `priorities` and `fairness` exclude each other, here in the type and at startup.
 */
export type JobHandlerOptions = JobHandlerCommonOptions & JobHandlerLaneOptions;

/** Every `@JobHandler` option but its lanes (`priorities` or `fairness`). */
export interface JobHandlerCommonOptions {
  /** Durable consumer name. @default `<service name>_<subject with . * > replaced>` */
  durable?: string;
  /** Stream holding the subject. @default the declared or existing stream whose subjects match */
  stream?: string;
  /** Handlers this process runs at once for this subject. @default 8 */
  concurrency?: number;
  /**
   * Messages pulled ahead of the handlers. Raise for tiny, fast jobs. Not below `concurrency`, which
   * it would silently cap. @default concurrency
   */
  prefetch?: number;
  /**
   * Handler runs before dead-lettering: failures count, deliveries to a worker that died do not
   * (see `crashLimit`). Without isolation it is the consumer's `max_deliver`, unless `rateLimit` is
   * set: then jetbus counts deliveries less rate-limit waits itself. @default 5
   */
  maxAttempts?: number;
  /**
   * Poison isolation: a job whose previous delivery ended with no settlement (its worker crashed,
   * was killed or hung) runs alone in its process; after ending its process this many times while
   * alone it is dead-lettered as `max-deliveries`. Jobs that were merely in flight beside it are
   * never blamed. 0 turns isolation off: every delivery then counts toward `maxAttempts`, and the
   * server's `max_deliver` plus the reaper catch crashing jobs. @default 2
   */
  crashLimit?: number;
  /**
   * Unacked messages across all instances (the consumer's `max_ack_pending`). Not below
   * `concurrency`: to run at most N jobs at once in the whole service, set both to N. @default 1000
   */
  maxInFlight?: number;
  /** Redelivery after silence (`ack_wait`); long handlers are kept alive by heartbeats. @default '30s' */
  ackWait?: Duration;
  /** Delay before each retry. @default { type: 'exponential', delay: '1s', factor: 2, maxDelay: '5m', jitter: 0.2 } */
  backoff?: BackoffOptions;
  /** Abort the handler (through `ctx.signal`) after this long, more than 0; the attempt counts as failed. @default none */
  timeout?: Duration;
  /** DTO class (a class, not an instance or a type name) to validate the payload against. @default the handler's `@Payload()` parameter type */
  dto?: Type<object>;
  /** Validate the payload with class-validator when a DTO class is known. @default true */
  validate?: boolean;
  /** Wait for the server to confirm each ack (one round trip per job). @default false */
  confirmAck?: boolean;
  /**
   * This handler's own dead-letter stream (declare it in `streams`, capturing `<subjectPrefix>.>`),
   * or `false` to only log its dead letters. Jobs whose worker died are still reaped into it.
   * @default the module's dead-letter stream
   */
  deadLetter?: DeadLetterTarget | false;
  /**
   * Effectively-once: remember the keys of completed jobs (in a KV bucket, for `ttl`) and ack a job
   * whose key completed without running the handler again. Costs one KV read and one write per job.
   * @default off
   */
  idempotency?: IdempotencyOptions;
  /**
   * At most `max` handler starts in any window of length `per`, across every instance, per `key`
   * (a header name or a function of the validated payload) when given. A job over the limit waits
   * for its slot and is not failed; the wait is not an attempt (see README, Rate limits). @default none
   */
  rateLimit?: RateLimitOptions;
  /**
   * A cancelled job (`cancel(jobId)`, with the module's `cancellation`) is term'ed and recorded as
   * cancelled; with `true` it is also dead-lettered (`JobCancelledError`, reason `error`). @default false
   */
  deadLetterCancelled?: boolean;
}

/**
 * A handler's lanes: `priorities` or `fairness`, not both. A lane is a subject token after the
 * handler's subject, either a priority or a group, and a publish names one or the other; combining
 * them (a group's jobs in priority lanes) would need lanes of both, which jetbus does not have. A
 * handler that inherits one from `handlerDefaults` and wants the other sets the inherited one to
 * `undefined`.
 */
export type JobHandlerLaneOptions =
  | {
      /**
       * Priority lanes: jobs published with `{ priority: 'high' | 'low' }` go to `<subject>._prio.<priority>`
       * (normal stays on `<subject>`), one durable each, pulled by weight. `true` for the default
       * weights. The stream must capture `<subject>._prio.*`. Not with `fairness`. @default off
       */
      priorities?: PrioritiesOption;
      /** Not with `priorities`. */
      fairness?: undefined;
    }
  | {
      /** Not with `fairness`. */
      priorities?: undefined;
      /**
       * Fairness by group key: jobs published with `{ group }` go to `<subject>._group.<group>`, one
       * durable per group with jobs, pulled in turn so every group progresses. Needs a work-queue stream
       * capturing `<subject>._group.*`. Not with `priorities`. @default off
       */
      fairness?: true | FairnessOptions;
    };

export interface IdempotencyOptions {
  /**
   * A job's identity: a header name, or a function of the validated payload.
   * @default the `Jetbus-Job-Id` header (set by replay), else `Nats-Msg-Id`, else `<stream>:<seq>`
   */
  key?: string | ((payload: unknown) => string | undefined);
  /** How long a completed key is remembered; at least 1s. @default '24h' */
  ttl?: Duration;
}

export interface ResolvedIdempotency {
  key: string | ((payload: unknown) => string | undefined) | undefined;
  ttlMs: number;
}

export interface ResolvedJobHandlerOptions {
  durable: string;
  stream: string | undefined;
  concurrency: number;
  prefetch: number;
  maxAttempts: number;
  crashLimit: number;
  maxInFlight: number;
  ackWaitMs: number;
  backoff: BackoffOptions;
  timeoutMs: number | undefined;
  dto: Type<object> | undefined;
  validate: boolean;
  confirmAck: boolean;
  deadLetter: DeadLetterTarget | false | undefined;
  idempotency: ResolvedIdempotency | undefined;
  /** `priorities` or `fairness`; undefined: one consumer. */
  lanes?: ResolvedLanes;
  rateLimit: ResolvedRateLimit | undefined;
  deadLetterCancelled: boolean;
}
