import {
  AckPolicy,
  type Consumer,
  type ConsumerConfig,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { type MsgHdrs, headers as natsHeaders, nanos } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { jobHeaders, rawJobHeaderBlock } from '../codec/message-headers';
import { JETSTREAM_HEADERS_MAX, headerBytes } from '../codec/header-bytes';
import { type DeadLetterSink } from '../dead-letter/dead-letter.sink';
import { JOB_ID_HEADER } from '../codec/job-id';
import {
  isConsumerNotFound,
  isJetStreamRefusal,
  isMessageGone,
  isStreamNotFound,
} from '../connection/jetstream-api-errors';
import { mapStartupError } from '../connection/map-startup-error';
import { startupRequest } from '../connection/startup-request';
import { whileElecting } from '../connection/while-electing';
import { JetbusConfigError, UnreleasableJobError } from '../errors';
import { NAK_DELAY_MAX_MS, nakDelay } from '../retry/nak-delay';
import { fitsProtocolLine } from '../connection/protocol-line';
import { type SchedulingMetrics } from '../observability/jetbus-metrics';
import { parseDueTime } from './scheduled-job';
import { type ScheduleOutcomes } from './schedule-outcomes';
import {
  DELIVER_AT_HEADER,
  parseScheduledSubject,
  releaseDurable,
  releaseMsgId,
  scheduledFilter,
} from './scheduling-names';

/**
 * Redelivery of an entry whose release was interrupted (worker killed between fetch and ack). A
 * release is three short requests, so this is generous under load and bounds how late a due job
 * can be when its releaser dies.
 */
export const RELEASE_ACK_WAIT_MS = 10_000;
/**
 * Unlimited: every entry not yet due is held by the server as a nak-delayed pending message. A
 * finite `max_ack_pending` (1,000 by default) would stop deliveries once that many far-future
 * entries are held, and a job due sooner but stored later would wait behind them.
 */
export const RELEASE_MAX_ACK_PENDING = -1;
/**
 * An entry due within this is held by the worker that fetched it and released by a local timer at
 * its due time (well within `ack_wait`); one due later is nak-ed. Releases then do not depend on the
 * precision of the server's redelivery timer, which a busy server fires late.
 */
export const RELEASE_HOLD_MS = 2_000;
/** A nak-ed entry is asked back this long before it is due, to be held for the rest. */
export const RELEASE_EARLY_MS = 1_000;
/** Entries pulled per request; undue ones are nak-ed at once, so a batch is cheap. */
const FETCH_BATCH = 256;
/** How long one pull waits; bounds how long shutdown waits for the last pull. */
const FETCH_EXPIRES_MS = 2_000;
/** Releases (KV create, publish, delete) in flight per subject. */
const RELEASE_CONCURRENCY = 64;
/** Pause before pulling again after a pull failed (server away, consumer deleted). */
const RESUBSCRIBE_DELAY_MS = 1_000;

export interface ReleaseRunnerDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** The scheduling stream. */
  stream: string;
  outcomes: ScheduleOutcomes;
  metrics: SchedulingMetrics;
  publishTimeoutMs: number;
  /** The server's max_payload: a release larger than it can never be published. @default no check */
  maxPayload?: number;
  /**
   * Where a job that can never be released goes (`UnreleasableJobError`). Without it such a job is
   * kept, asked back after the longest nak delay, and logged.
   */
  deadLetters?: DeadLetterSink;
  logger: Logger;
}

/** The release consumer of one handler subject: its config, shared by every process that creates it. */
export function releaseConsumerConfig(subject: string): Partial<ConsumerConfig> & { durable_name: string } {
  return {
    durable_name: releaseDurable(subject),
    filter_subject: scheduledFilter(subject),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(RELEASE_ACK_WAIT_MS),
    // Every delivery of an undue entry counts; the entry must never be given up on.
    max_deliver: -1,
    max_ack_pending: RELEASE_MAX_ACK_PENDING,
  };
}

/**
 * Releases the scheduled jobs of one handler subject when they are due, on a durable pull consumer
 * of the scheduling stream shared by every worker process with a handler on that subject (no
 * leader). An entry not yet due is nak-ed with the time left, so JetStream itself holds it and
 * delivers it again when it is due; a due entry is released:
 * 1. its outcome is recorded as `released` (a KV create under the entry's own key, so a job id
 *    scheduled again is decided anew: a concurrent `cancel` loses, or wins and the entry is dropped);
 * 2. it is published to its subject with `Nats-Msg-Id: jetbus-release:<job id>:<entry seq>`;
 * 3. the entry is deleted from the scheduling stream, then acked.
 * A worker killed anywhere in between leaves the entry to be redelivered after `ack_wait`; the
 * next release finds the outcome recorded and publishes again, which the target stream drops as
 * a duplicate within its duplicate window.
 */
export class ReleaseRunner {
  readonly durable: string;
  private readonly log: Logger;
  private consumer?: Consumer;
  private stopping = false;
  private loopDone?: Promise<void>;
  private readonly active = new Set<Promise<void>>();
  /** Entries due soon, waiting for their local timer. */
  private readonly held = new Map<JsMsg, NodeJS.Timeout>();
  private stopped?: Promise<void>;

  constructor(
    readonly subject: string,
    private readonly deps: ReleaseRunnerDeps,
  ) {
    this.durable = releaseDurable(subject);
    this.log = deps.logger.child({ releaser: subject, durable: this.durable });
  }

  /** Creates (or brings in line) the release consumer; pulling runs in the background. */
  async start(): Promise<void> {
    const { js, stream } = this.deps;
    await this.ensureConsumer();
    this.consumer = await startupRequest(
      `bind consumer ${stream}/${this.durable}`,
      () => js.consumers.get(stream, this.durable),
      this.log,
    );
    this.loopDone = this.loop();
  }

  /** Info, create and update are idempotent: each is retried while the cluster elects a leader. */
  private async ensureConsumer(): Promise<void> {
    const { jsm, stream } = this.deps;
    const config = releaseConsumerConfig(this.subject);
    const where = `scheduling (release of ${this.subject})`;
    const consumer = `${stream}/${this.durable}`;
    const info = `consumer info ${consumer}`;
    const live = await whileElecting(info, () => jsm.consumers.info(stream, this.durable), this.log).then(
      (i) => i.config,
      (e: unknown) => {
        if (isConsumerNotFound(e)) return undefined;
        if (isStreamNotFound(e)) {
          throw new JetbusConfigError(
            'scheduling.stream',
            `stream "${stream}" does not exist; a module with \`scheduling\` creates it at startup`,
          );
        }
        throw mapStartupError(e, info);
      },
    );
    if (!live) {
      const create = `create consumer ${consumer}`;
      await whileElecting(create, () => jsm.consumers.add(stream, config), this.log).catch((e: Error) => {
        throw isJetStreamRefusal(e)
          ? new JetbusConfigError(where, `cannot create consumer ${consumer}: ${e.message}`, { cause: e })
          : mapStartupError(e, create);
      });
      this.log.info({ stream, filter: config.filter_subject }, 'release consumer created');
      return;
    }
    if (live.ack_wait !== config.ack_wait || live.max_ack_pending !== config.max_ack_pending) {
      const update = { ack_wait: config.ack_wait, max_ack_pending: config.max_ack_pending };
      await startupRequest(
        `update consumer ${consumer}`,
        () => jsm.consumers.update(stream, this.durable, update),
        this.log,
      );
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        const batch = await this.consumer!.fetch({ max_messages: FETCH_BATCH, expires: FETCH_EXPIRES_MS });
        for await (const msg of batch) {
          if (this.stopping) {
            this.giveBack(msg);
            continue;
          }
          while (this.active.size >= RELEASE_CONCURRENCY) await Promise.race(this.active);
          const release = this.handle(msg);
          if (release) this.track(release);
        }
      } catch (e) {
        if (this.stopping) break;
        this.log.error({ err: e }, 'pull of scheduled jobs failed; retrying');
        await new Promise((r) => setTimeout(r, RESUBSCRIBE_DELAY_MS));
        try {
          this.consumer = await this.deps.js.consumers.get(this.deps.stream, this.durable);
        } catch {
          // The server is still away; the next round tries again.
        }
      }
    }
  }

  private track(release: Promise<void>): void {
    this.active.add(release);
    void release.finally(() => this.active.delete(release));
  }

  /**
   * Naks an entry due later than `RELEASE_HOLD_MS` to come back shortly before it is due, holds one
   * due sooner until its due time, and starts the release of a due one (the only case with a promise).
   */
  private handle(msg: JsMsg): Promise<void> | undefined {
    const target = parseScheduledSubject(msg.subject);
    if (!target) {
      // The filter only matches `<prefix>.<id>.<subject>`; kept out of the way, never dropped.
      msg.nak(60_000);
      return undefined;
    }
    if (!fitsProtocolLine(target.subject)) {
      // A raw client's entry for a wildcard handler: publishing it would get this connection closed
      // by the server. Kept (listed, cancellable by its job id), asked back after the longest delay.
      msg.nak(NAK_DELAY_MAX_MS);
      this.log.error(
        { jobId: target.jobId.slice(0, 128), subjectBytes: Buffer.byteLength(target.subject), seq: msg.seq },
        'scheduled job not released: its subject is too long to publish; cancel it by its job id',
      );
      return undefined;
    }
    const { headers } = jobHeaders(msg);
    const raw = headers?.get(DELIVER_AT_HEADER);
    const due = parseDueTime(raw) ?? msg.info.timestampNanos / 1e6;
    if (raw && parseDueTime(raw) === undefined) {
      this.log.warn({ jobId: target.jobId, deliverAt: raw }, 'unreadable Jetbus-Deliver-At; releasing now');
    }
    const left = Math.ceil(due - Date.now());
    if (left > RELEASE_HOLD_MS) {
      // Bounded: a due time in the far future (9999-12-31) would overflow the server's delay.
      msg.nak(nakDelay(left - RELEASE_EARLY_MS));
      return undefined;
    }
    if (left > 0) {
      // Never released before its due time: the timer fires at it, and the check below repeats.
      const timer = setTimeout(() => {
        this.held.delete(msg);
        if (this.stopping) this.giveBack(msg);
        else this.track(this.release(msg, target.jobId, target.subject, due, headers));
      }, left);
      this.held.set(msg, timer);
      return undefined;
    }
    return this.release(msg, target.jobId, target.subject, due, headers);
  }

  private async release(
    msg: JsMsg,
    jobId: string,
    subject: string,
    due: number,
    headers: MsgHdrs | undefined,
  ): Promise<void> {
    const { js, outcomes, stream, metrics } = this.deps;
    // A timer may fire a millisecond early; hold on until the due time has passed.
    const early = due - Date.now();
    if (early > 0) await new Promise((r) => setTimeout(r, early));
    try {
      const released = releaseHeaders(headers, jobId);
      const msgID = releaseMsgId(jobId, msg.seq);
      const why = unreleasable(released, msgID, msg.data, this.deps.maxPayload ?? Number.POSITIVE_INFINITY);
      if (why) return await this.deadLetter(msg, new UnreleasableJobError(jobId, subject, why), released);
      const decided = await outcomes.decide(jobId, 'released', {
        seq: msg.seq,
        storedAt: new Date(msg.info.timestampNanos / 1e6),
      });
      if (decided.outcome === 'cancelled') {
        // A cancel won (its call may have died before deleting the entry): drop it.
        await this.deleteEntry(msg.seq);
        msg.ack();
        return;
      }
      const ack = await js.publish(subject, msg.data, {
        msgID,
        headers: released,
        timeout: this.deps.publishTimeoutMs,
      });
      // Labelled by the handler's subject (a bounded set, as in jetbus_jobs_total), not the job's.
      if (!ack.duplicate) metrics.released(this.subject, Math.max(0, Date.now() - due) / 1000);
      await this.deleteEntry(msg.seq);
      msg.ack();
    } catch (e) {
      // Outcome recorded or not, the entry stays: it comes back, and a later release publishes it
      // (a duplicate of an earlier publish is dropped by the target stream).
      const delayMs = Math.min(60_000, 1_000 * 2 ** Math.min(6, msg.info.deliveryCount - 1));
      msg.nak(delayMs);
      this.log.error(
        { err: e, jobId, subject, stream, retryInMs: delayMs },
        'could not release scheduled job',
      );
    }
  }

  /**
   * A job its stream can never take as it stands: dead-lettered under its subject (with the headers
   * its release would carry; the entry's block, as received, where they do not fit the dead letter),
   * then removed from the scheduling stream. Before, the release was refused on every delivery, for
   * good. A failed dead-letter write throws: the entry stays and comes back, as a failed release does.
   */
  private async deadLetter(msg: JsMsg, error: UnreleasableJobError, headers: MsgHdrs): Promise<void> {
    const { deadLetters } = this.deps;
    if (!deadLetters) {
      msg.nak(NAK_DELAY_MAX_MS);
      this.log.error({ err: error, seq: msg.seq }, 'scheduled job not released; cancel it by its job id');
      return;
    }
    const dlqSeq = await deadLetters.writeRecord({
      subject: error.subject,
      data: msg.data,
      headers,
      headerBlock: rawJobHeaderBlock(msg),
      stream: this.deps.stream,
      seq: msg.seq,
      consumer: this.durable,
      attempts: msg.info.deliveryCount,
      reason: 'error',
      error,
    });
    await this.deleteEntry(msg.seq);
    msg.ack();
    this.log.warn(
      { jobId: error.jobId, seq: msg.seq, dlqSeq },
      'scheduled job cannot be released; dead-lettered',
    );
  }

  private async deleteEntry(seq: number): Promise<void> {
    await this.deps.jsm.streams.deleteMessage(this.deps.stream, seq, false).catch((e: unknown) => {
      if (!isMessageGone(e)) throw e;
    });
  }

  /** An entry that arrived while stopping: back to the server, undue ones with the time left. */
  private giveBack(msg: JsMsg): void {
    const due = parseDueTime(jobHeaders(msg).headers?.get(DELIVER_AT_HEADER));
    const left = due === undefined ? 0 : Math.ceil(due - Date.now());
    if (left > 0) msg.nak(nakDelay(left));
    else msg.nak();
  }

  /**
   * Stops pulling (the outstanding pull is read to its end, its entries given back) and waits up
   * to `graceMs` for releases in flight. One cut short is redelivered after `ack_wait`. Idempotent.
   */
  stop(graceMs: number): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      for (const [msg, timer] of this.held) {
        clearTimeout(timer);
        this.giveBack(msg);
      }
      this.held.clear();
      await this.loopDone;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.active]),
        new Promise<void>((r) => (timer = setTimeout(r, graceMs))),
      ]);
      clearTimeout(timer);
    })();
    return this.stopped;
  }
}

/** Why a release with these headers and body can never be stored, or undefined when it can. */
function unreleasable(
  headers: MsgHdrs,
  msgId: string,
  data: Uint8Array,
  maxPayload: number,
): string | undefined {
  // With the `Nats-Msg-Id: <releaseMsgId>` line the publish adds: what the server measures.
  const headerSize = headerBytes(headers) + Buffer.byteLength(`Nats-Msg-Id: ${msgId}\r\n`);
  if (headerSize > JETSTREAM_HEADERS_MAX)
    return `its header block would be ${headerSize} bytes, past JetStream's limit of ${JETSTREAM_HEADERS_MAX}`;
  if (headerSize + data.byteLength > maxPayload)
    return `it would be ${headerSize + data.byteLength} bytes, past the server's max_payload of ${maxPayload}`;
  return undefined;
}

/**
 * The release carries the entry's headers, its `Jetbus-Job-Id` (so `idempotency` keys on the job
 * by default) and `Jetbus-Deliver-At`, not the scheduling publish's `Nats-Msg-Id` or expectations.
 */
function releaseHeaders(entry: MsgHdrs | undefined, jobId: string): MsgHdrs {
  const h = natsHeaders();
  for (const k of entry?.keys() ?? []) {
    const lower = k.toLowerCase();
    if (
      lower === 'nats-msg-id' ||
      lower.startsWith('nats-expected-') ||
      lower === JOB_ID_HEADER.toLowerCase()
    )
      continue;
    for (const v of entry!.values(k)) h.append(k, v);
  }
  h.set(JOB_ID_HEADER, jobId);
  return h;
}
