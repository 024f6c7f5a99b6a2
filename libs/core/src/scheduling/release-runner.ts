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
import { jobHeaders } from '../codec/message-headers';
import { JOB_ID_HEADER } from '../codec/job-id';
import { isConsumerNotFound, isMessageGone, isStreamNotFound } from '../connection/jetstream-api-errors';
import { JetbusConfigError } from '../errors';
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
 * 1. its outcome is recorded as `released` (a KV create: a concurrent `cancel` loses, or wins and
 *    the entry is dropped);
 * 2. it is published to its subject with `Nats-Msg-Id: jetbus-release:<job id>`;
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
    await this.ensureConsumer();
    this.consumer = await this.deps.js.consumers.get(this.deps.stream, this.durable);
    this.loopDone = this.loop();
  }

  private async ensureConsumer(): Promise<void> {
    const { jsm, stream } = this.deps;
    const config = releaseConsumerConfig(this.subject);
    const where = `scheduling (release of ${this.subject})`;
    const live = await jsm.consumers.info(stream, this.durable).then(
      (i) => i.config,
      (e: unknown) => {
        if (isConsumerNotFound(e)) return undefined;
        if (isStreamNotFound(e)) {
          throw new JetbusConfigError(
            'scheduling.stream',
            `stream "${stream}" does not exist; a module with \`scheduling\` creates it at startup`,
          );
        }
        throw e;
      },
    );
    if (!live) {
      await jsm.consumers.add(stream, config).catch((e: Error) => {
        throw new JetbusConfigError(where, `cannot create consumer ${stream}/${this.durable}: ${e.message}`);
      });
      this.log.info({ stream, filter: config.filter_subject }, 'release consumer created');
      return;
    }
    if (live.ack_wait !== config.ack_wait || live.max_ack_pending !== config.max_ack_pending) {
      await jsm.consumers.update(stream, this.durable, {
        ack_wait: config.ack_wait,
        max_ack_pending: config.max_ack_pending,
      });
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
    const { headers } = jobHeaders(msg);
    const raw = headers?.get(DELIVER_AT_HEADER);
    const due = parseDueTime(raw) ?? msg.info.timestampNanos / 1e6;
    if (raw && parseDueTime(raw) === undefined) {
      this.log.warn({ jobId: target.jobId, deliverAt: raw }, 'unreadable Jetbus-Deliver-At; releasing now');
    }
    const left = Math.ceil(due - Date.now());
    if (left > RELEASE_HOLD_MS) {
      msg.nak(left - RELEASE_EARLY_MS);
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
      const decided = await outcomes.decide(jobId, 'released');
      if (decided.outcome === 'cancelled') {
        // A cancel won (its call may have died before deleting the entry): drop it.
        await this.deleteEntry(msg.seq);
        msg.ack();
        return;
      }
      const ack = await js.publish(subject, msg.data, {
        msgID: releaseMsgId(jobId),
        headers: releaseHeaders(headers, jobId),
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

  private async deleteEntry(seq: number): Promise<void> {
    await this.deps.jsm.streams.deleteMessage(this.deps.stream, seq, false).catch((e: unknown) => {
      if (!isMessageGone(e)) throw e;
    });
  }

  /** An entry that arrived while stopping: back to the server, undue ones with the time left. */
  private giveBack(msg: JsMsg): void {
    const due = parseDueTime(jobHeaders(msg).headers?.get(DELIVER_AT_HEADER));
    const left = due === undefined ? 0 : Math.ceil(due - Date.now());
    if (left > 0) msg.nak(left);
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
