import { type Type } from '@nestjs/common';
import { type PubAck, PubHeaders } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { type Observable, from } from 'rxjs';
import { type Codec } from '../codec';
import { JOB_ID_HEADER } from '../codec/job-id';
import {
  type JetbusError,
  JetbusConfigError,
  NotConnectedError,
  PayloadTooLargeError,
  PublishManyError,
} from '../errors';
import { type JetbusConnection } from '../connection/jetbus.connection';
import { type JetbusMetrics } from '../observability/jetbus-metrics';
import { TRACEPARENT, childTraceparent } from '../observability/trace-context';
import { UNIQUE_BUCKET } from '../wire/job-control-names';
import { parseDuration } from '../retry';
import { PayloadValidator } from '../validation';
import { mapPublishError } from '../connection/map-publish-error';
import {
  type CancelResult,
  type ListScheduledOptions,
  type Schedule,
  type ScheduledPage,
  ScheduleOutcomes,
  cancelScheduled,
  listScheduled,
  resolveSchedule,
  DELIVER_AT_HEADER,
  SCHEDULED_STREAM,
  scheduledSubject,
} from '../scheduling';
import { publishLaneSubject } from '../lanes/publish-lane';
import { type PayloadEncryption, sealForPublish } from '../encryption';
import {
  type UniqueOptions,
  type UniquePubAck,
  UniqueKeys,
  headerReader,
  publishUnique,
  releaseUniqueKey,
  resolveUnique,
} from '../unique';
import {
  type JobCancelResult,
  type JobCancellation,
  type ResolvedCancellationOptions,
  CancellationStore,
  cancelJob,
  checkCancellableJobId,
} from '../cancellation';
import { checkPublishOptions } from './check-publish-options';
import { PubAckWindow } from './pub-ack-window';
import { publishUntilAcked } from './publish-until-acked';
import {
  type PublishOptions,
  type PublishRequest,
  type ScheduledPubAck,
  type ScheduledPublishOptions,
} from './publish.options';

/** Every publish names its body's format, for consumers in other languages (unless the caller set it). */
const CONTENT_TYPE = 'Content-Type';
/** The default codec's type, which is sent as no header at all. */
const JSON_CONTENT_TYPE = 'application/json';

export interface JetbusClientSettings {
  codec: Codec;
  publishTimeoutMs: number;
  publishWindow: number;
  /** Where scheduled jobs wait (`scheduling.stream`), for `cancel` and `listScheduled`. @default 'JETBUS_SCHEDULED' */
  schedulingStream?: string;
  /** The module's `encryption`, resolved; publishes in clear without it. */
  encryption?: PayloadEncryption;
  /** The module's `cancellation`: `cancel` also covers queued and running jobs. */
  cancellation?: ResolvedCancellationOptions | false;
}

/**
 * Publishes jobs and events and resolves only once JetStream has stored them (the PubAck). Inject
 * it anywhere; `JetbusClientProxy` adapts it to Nest's `ClientProxy` for `client.emit()`.
 */
export class JetbusClient {
  private readonly validators = new Map<Type<object>, PayloadValidator>();
  private outcomes?: ScheduleOutcomes;
  private uniqueKeys?: UniqueKeys;
  private cancellations?: CancellationStore;

  constructor(
    private readonly connection: JetbusConnection,
    private readonly settings: JetbusClientSettings,
    private readonly logger: Logger,
    private readonly metrics?: JetbusMetrics,
  ) {}

  /**
   * Stores one message; resolves with the PubAck (stream, seq, duplicate) or rejects with a
   * JetbusError. With `delay` or `deliverAt` the job is stored in the scheduling stream instead and
   * released to `subject` when due; the result is then a `ScheduledPubAck` naming its `jobId`.
   */
  async publish<T>(
    subject: string,
    data: T,
    options: ScheduledPublishOptions & { unique: UniqueOptions },
  ): Promise<UniquePubAck<ScheduledPubAck> | UniquePubAck>;
  async publish<T>(subject: string, data: T, options: ScheduledPublishOptions): Promise<ScheduledPubAck>;
  async publish<T>(
    subject: string,
    data: T,
    options: PublishOptions & { unique: UniqueOptions },
  ): Promise<UniquePubAck>;
  async publish<T>(subject: string, data: T, options?: PublishOptions): Promise<PubAck>;
  async publish<T>(subject: string, data: T, options: PublishOptions = {}): Promise<PubAck> {
    checkPublishOptions(options);
    // `unique`: acquire the key first, then publish through this same method without it.
    if (options.unique !== undefined) {
      const unique = resolveUnique(options.unique);
      this.uniqueKeys ??= new UniqueKeys(this.connection.js);
      const ack = await publishUnique(this.uniqueKeys, unique, options.headers ?? {}, (headers) =>
        this.publish(subject, data, { ...options, unique: undefined, headers }),
      ).catch((e: unknown) => {
        // The publish's own errors are JetbusErrors already; the key's KV writes are translated here.
        throw mapPublishError(e, {
          subject: `$KV.${UNIQUE_BUCKET}`,
          size: 0,
          maxPayload: this.connection.maxPayload,
          timeoutMs: this.settings.publishTimeoutMs,
          user: this.connection.user,
        });
      });
      if (!ack.unique.acquired) this.metrics?.publishOutcome('unique_refused');
      return ack;
    }
    subject = publishLaneSubject(subject, options);
    // Read once: a scheduled job is stored under its scheduling subject, due at a fixed time.
    let schedule: Schedule | undefined;
    if (options.delay !== undefined || options.deliverAt !== undefined || options.jobId !== undefined) {
      schedule = resolveSchedule(options, Date.now());
      if (schedule && options.expectStream !== undefined) {
        throw new JetbusConfigError(
          'expectStream',
          'does not apply to scheduled jobs (they are stored in the scheduling stream first)',
        );
      }
    }
    const target = subject;
    if (schedule) subject = scheduledSubject(schedule.jobId, subject);
    let timeoutMs =
      options.timeout === undefined
        ? this.settings.publishTimeoutMs
        : parseDuration(options.timeout, 'timeout');
    const payload = options.dto ? await this.validator(options.dto).validate(subject, data) : data;
    let body = this.settings.codec.encode(payload);
    // Bound to the subject the job is delivered on (`target`), not its scheduling subject.
    // The job id the caller fixed (a scheduled job's, or `jobId`) is the one sealed in.
    const sealing = sealForPublish(
      this.settings.encryption,
      target,
      body,
      options,
      schedule?.jobId ?? options.jobId,
    );
    const sealed = sealing && (await sealing);
    if (sealed) body = sealed.body;
    const maxPayload = this.connection.maxPayload;
    if (body.length > maxPayload) throw new PayloadTooLargeError(subject, body.length, maxPayload);

    // nats.js drops what is published mid-reconnect; wait for the connection within the budget.
    if (!this.connection.isConnected) {
      const started = Date.now();
      if (!(await this.connection.waitConnected(timeoutMs)))
        throw new NotConnectedError(subject, Date.now() - started, this.connection.nc.isClosed());
      timeoutMs = Math.max(1, timeoutMs - (Date.now() - started));
    }
    // A job that needs no header gets none: a header block costs the client and the server on
    // every message. Each publish has its own headers object (they are not shared with the caller).
    let h = options.headers ? toHeaders(options.headers) : undefined;
    const headers = () => (h ??= natsHeaders());
    // No Content-Type means JSON (the wire contract); another codec names its type.
    const { contentType } = this.settings.codec;
    if (contentType !== JSON_CONTENT_TYPE && !h?.has(CONTENT_TYPE)) headers().set(CONTENT_TYPE, contentType);
    const parent = options.causedBy?.trace;
    if (parent && !h?.has(TRACEPARENT)) headers().set(TRACEPARENT, childTraceparent(parent));
    if (schedule) {
      headers().set(JOB_ID_HEADER, schedule.jobId);
      headers().set(DELIVER_AT_HEADER, new Date(schedule.dueAt).toISOString());
    } else if (options.jobId !== undefined) headers().set(JOB_ID_HEADER, options.jobId);
    sealed?.apply(headers());
    // The job id dedups a retried scheduling publish when the caller gave no msgId.
    const msgId = options.msgId ?? schedule?.jobId;
    if (msgId) headers().set(PubHeaders.MsgIdHdr, msgId);
    if (options.expectStream) headers().set(PubHeaders.ExpectedStreamHdr, options.expectStream);
    try {
      const ack = await publishUntilAcked(
        this.connection.pubAcks,
        subject,
        body,
        h,
        timeoutMs,
        Boolean(msgId),
        this.connection.clustered,
      );
      this.metrics?.publishOutcome(ack.duplicate ? 'duplicate' : 'stored');
      if (!schedule) return ack;
      if (!ack.duplicate) this.metrics?.scheduling.scheduled(target);
      const scheduled: ScheduledPubAck = {
        ...ack,
        jobId: schedule.jobId,
        deliverAt: new Date(schedule.dueAt),
      };
      return scheduled;
    } catch (e) {
      this.metrics?.publishOutcome('failed');
      throw mapPublishError(e, {
        subject,
        size: body.length,
        maxPayload,
        timeoutMs,
        user: this.connection.user,
        clustered: this.connection.clustered,
      });
    }
  }

  /**
   * Publishes a batch keeping at most `window` PubAcks outstanding, and resolves with every PubAck
   * in input order. On the first failure it sends nothing more, waits for the outstanding acks,
   * and rejects with a `PublishManyError` saying exactly which messages were stored.
   */
  async publishMany(
    messages: Iterable<PublishRequest> | AsyncIterable<PublishRequest>,
    options: { window?: number } = {},
  ): Promise<PubAck[]> {
    const window = new PubAckWindow(options.window ?? this.settings.publishWindow);
    const acks: PubAck[] = [];
    const failures: { index: number; error: JetbusError }[] = [];
    let index = 0;
    let notSent = 0;
    const send = (m: PublishRequest): void => {
      const i = index++;
      this.publish(m.subject, m.data, m.options).then(
        (ack) => {
          acks[i] = ack;
          window.release();
        },
        (error: JetbusError) => {
          failures.push({ index: i, error });
          window.release();
        },
      );
    };
    /** Sends `m` now when the window has room (no await, so writes batch), else once it has. */
    const next = (m: PublishRequest): Promise<void> | undefined => {
      if (failures.length > 0) {
        notSent++;
        return undefined;
      }
      const wait = window.acquire();
      if (!wait) {
        send(m);
        return undefined;
      }
      return wait.then(() => {
        if (failures.length === 0) return send(m);
        notSent++;
        window.release();
      });
    };
    // A sync iterable is walked without `for await`, which would put a microtask between two
    // publishes and make nats.js flush each one in its own socket write.
    if (Symbol.iterator in messages) {
      for (const m of messages) {
        const wait = next(m);
        if (wait) await wait;
      }
    } else {
      for await (const m of messages) {
        const wait = next(m);
        if (wait) await wait;
      }
    }
    await window.idle();
    if (failures.length > 0) {
      failures.sort((a, b) => a.index - b.index);
      throw new PublishManyError(acks, failures, notSent);
    }
    return acks;
  }

  /**
   * Cancels a scheduled job before its release. Race-free: a job is either released or cancelled,
   * never both, and the result says which (`cancelled`, `released`, or `not-found`). With the
   * module's `cancellation`, also queued and running jobs: see `cancelJob` (`cancelled` or `requested`).
   */
  async cancel(jobId: string): Promise<CancelResult | JobCancelResult> {
    const result = await this.cancelAnywhere(jobId);
    // A scheduled job cancelled before its release never reaches a worker: free its unique key here.
    if (result.outcome === 'cancelled' && result.job) {
      this.uniqueKeys ??= new UniqueKeys(this.connection.js);
      await releaseUniqueKey(this.uniqueKeys, headerReader(result.job.headers), this.logger);
    }
    return result;
  }

  private cancelAnywhere(jobId: string): Promise<CancelResult | JobCancelResult> {
    const stream = this.settings.schedulingStream ?? SCHEDULED_STREAM;
    this.outcomes ??= new ScheduleOutcomes(this.connection.js, stream);
    const store = this.cancellationStore();
    if (store) {
      return cancelJob(this.connection.js, jobId, {
        store,
        schedulingStream: stream,
        outcomes: this.outcomes,
        onScheduledCancelled: (job) => this.metrics?.scheduling.cancelled(job.subject),
      });
    }
    return cancelScheduled(
      this.connection.js,
      jobId,
      { stream, onCancelled: (job) => this.metrics?.scheduling.cancelled(job.subject) },
      this.outcomes,
    );
  }

  /**
   * The cancellation recorded for `jobId` (with the module's `cancellation`): `requested` until a
   * worker met the job, then `cancelled` with how (`while`: queued or running). Undefined when none
   * is recorded (or it expired), or without `cancellation`.
   */
  async cancellation(jobId: string): Promise<JobCancellation | undefined> {
    checkCancellableJobId(jobId);
    return this.cancellationStore()?.get(jobId);
  }

  private cancellationStore(): CancellationStore | undefined {
    const settings = this.settings.cancellation;
    if (!settings) return undefined;
    this.cancellations ??= new CancellationStore(this.connection.js, settings.ttlMs);
    return this.cancellations;
  }

  /** One page of the jobs waiting in the scheduling stream, in the order they were scheduled. */
  listScheduled(options: Omit<ListScheduledOptions, 'stream'> = {}): Promise<ScheduledPage> {
    return listScheduled(this.connection.jsm, {
      ...options,
      stream: this.settings.schedulingStream ?? SCHEDULED_STREAM,
    });
  }

  /**
   * Nest-style fire-and-track: publishing starts at once (the Observable is hot) and emits the
   * PubAck. A failure is also logged, because a caller who never subscribes would not see it.
   */
  emit<T>(subject: string, data: T, options?: PublishOptions): Observable<PubAck> {
    const result = this.publish(subject, data, options);
    result.catch((err: JetbusError) =>
      this.logger.error({ err, subject }, 'emit failed: message not stored'),
    );
    return from(result);
  }

  private validator(dto: Type<object>): PayloadValidator {
    let v = this.validators.get(dto);
    if (!v) this.validators.set(dto, (v = new PayloadValidator(dto)));
    return v;
  }
}

function toHeaders(values: Record<string, string | string[]>): MsgHdrs {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(values)) {
    for (const item of Array.isArray(v) ? v : [v]) h.append(k, item);
  }
  return h;
}
