import { type Type } from '@nestjs/common';
import { type PubAck } from '@nats-io/jetstream';
import { type Priority } from '../wire/lane-names';
import { type TraceContext } from '../observability/trace-context';
import { type Duration } from '../retry';
import { type UniqueOptions } from '../unique/unique-options';

export interface PublishOptions {
  /**
   * Deduplication id (`Nats-Msg-Id`): a second publish with the same id within the stream's
   * duplicate window is stored once, and its PubAck says `duplicate: true`.
   */
  msgId?: string;
  /**
   * Encrypt the payload (AES-256-GCM, module option `encryption`), or send it in clear.
   * @default whether `encryption.subjects` lists the subject
   */
  encrypt?: boolean;
  /** Extra headers; `Jetbus-*` and `Nats-*` names are reserved. */
  headers?: Record<string, string | string[]>;
  /** How long to wait for the PubAck. @default the module's `publishTimeout` ('5s') */
  timeout?: Duration;
  /** Validate `data` against this class-validator DTO before sending; invalid data is never sent. */
  dto?: Type<object>;
  /** Only store if the subject lands in this stream (`Nats-Expected-Stream`). */
  expectStream?: string;
  /**
   * The job this message is a consequence of: its W3C `traceparent` continues (same trace, new
   * span), so a chain of jobs shows up as one trace. Ignored when the job carried no trace.
   */
  causedBy?: { trace: TraceContext | undefined };
  /**
   * Deliver no sooner than this long from now (milliseconds or `'90s'`, `'15m'`): the job waits in the
   * scheduling stream and a worker releases it to `subject` when due. Resolves with a
   * `ScheduledPubAck` (its `jobId` is what `cancel` takes).
   */
  delay?: Duration;
  /** Deliver no sooner than this time: a `Date`, an ISO 8601 string or epoch milliseconds. */
  deliverAt?: Date | string | number;
  /**
   * The job's id (`Jetbus-Job-Id`): 1 to 128 letters, digits, `-`, `_`; what `cancel(jobId)` takes.
   * A scheduled job always has one (a second job with the same id within the scheduling stream's
   * duplicate window is stored once): @default `msgId` when it is a valid id (else derived from it),
   * else a random UUID. Without `delay`/`deliverAt` the job's id is this, else its `Nats-Msg-Id`,
   * else `<stream>:<seq>`.
   */
  jobId?: string;
  /**
   * The job's priority lane for a handler with `priorities`: stored under `<subject>._prio.high` or
   * `<subject>._prio.low`; `normal` is `subject` itself. Not with `group`.
   */
  priority?: Priority;
  /**
   * The job's group (tenant, customer) for a handler with `fairness`: stored under
   * `<subject>._group.<group>`. 1 to 64 letters, digits, `-`, `_`. Not with `priority`.
   */
  group?: string;
  /**
   * At most one job per `key` at a time: while a job published with the key holds it (`for`, or until
   * it completed with `until: 'completed'`), another publish with the key stores nothing and
   * resolves with `duplicate: true` and `unique.acquired: false`. See the README's unique jobs.
   */
  unique?: UniqueOptions;
}

/** The PubAck of a scheduled publish: stored in the scheduling stream, released when due. */
export interface ScheduledPubAck extends PubAck {
  /** What `cancel(jobId)` takes; the released job carries it as `Jetbus-Job-Id`. */
  jobId: string;
  /**
   * When it is due. With `duplicate: true` (the same job id within the scheduling stream's duplicate
   * window) it is the time this call asked for: the job stored first keeps its own.
   */
  deliverAt: Date;
}

/** Publish options that schedule the job: `delay` or `deliverAt`. */
export type ScheduledPublishOptions = PublishOptions &
  ({ delay: Duration; deliverAt?: undefined } | { deliverAt: Date | string | number; delay?: undefined });

/** One message of a `publishMany` batch. */
export interface PublishRequest<T = unknown> {
  subject: string;
  data: T;
  options?: PublishOptions;
}
