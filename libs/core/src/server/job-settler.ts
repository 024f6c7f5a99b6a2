import { type JsMsg } from '@nats-io/jetstream';
import { type Logger } from 'pino';
import { jobHeaders } from '../codec/message-headers';
import { type CancelGuard } from '../cancellation/runner-cancellation';
import { type DeadLetterSink } from '../dead-letter';
import { MaxDeliveriesExceeded } from '../dead-letter/max-deliveries.reaper';
import { traceFrom } from '../observability/trace-context';
import { type DeadLetterReason, decideSettlement } from '../retry';
import { nakDelay } from '../retry/nak-delay';
import { jobIdFromHeaders } from './completed-jobs';
import { type DeliveryTriage, type Lane } from './delivery-triage';
import { type PreparedHandler } from './prepared-handler';
import { type AckBatch } from './ack-batch';

/** When recording a dead letter fails, the job comes back after this delay to try again. */
export const DEAD_LETTER_RETRY_MS = 5_000;

/**
 * Settles a job after its run, exactly once, and records in the ledger what must survive the
 * process: ack on success (after the `idempotency` record), `nak(delay)` for a retry, dead-letter
 * then `term`, or `nak` when the dead letter cannot be written yet. The retry policy itself is
 * `decideSettlement`, a pure table; this unit carries its decision out.
 */
export class JobSettler {
  constructor(
    private readonly handler: PreparedHandler,
    private readonly triage: DeliveryTriage,
    private readonly deadLetters: DeadLetterSink,
    private readonly log: Logger,
    /** Called once a job reached a final outcome (acked, dead-lettered, cancelled): frees its unique key. */
    private readonly finished?: (msg: JsMsg) => void,
    /** Acks of jobs that finish together, sent in one write; without it each ack goes out at once. */
    private readonly acks?: AckBatch,
  ) {}

  /**
   * The handler returned: record the completion (`idempotency`), then ack. A promise only when
   * there is something to wait for (that record, or `confirmAck`): most jobs settle without one.
   */
  succeeded(msg: JsMsg, lane: Lane, jobId: string | undefined): Promise<void> | undefined {
    if (jobId !== undefined || this.handler.options.confirmAck)
      return this.succeededInOrder(msg, lane, jobId);
    this.ack(msg);
    this.acked(msg, lane);
    return undefined;
  }

  private async succeededInOrder(msg: JsMsg, lane: Lane, jobId: string | undefined): Promise<void> {
    // Recorded before the ack: a crash between the two leaves a job that is known to be done.
    if (jobId !== undefined) await this.handler.completed!.add(jobId);
    if (this.handler.options.confirmAck) await msg.ackAck();
    else this.ack(msg);
    this.acked(msg, lane);
  }

  private acked(msg: JsMsg, lane: Lane): void {
    this.handler.metrics.acked.inc();
    this.triage.forget(lane);
    this.finished?.(msg);
  }

  /** `idempotency` found the job completed before: ack without running it. */
  alreadyCompleted(msg: JsMsg, lane: Lane, jobId: string): void {
    this.ack(msg);
    this.handler.metrics.skipped.inc();
    this.triage.forget(lane);
    this.finished?.(msg);
    this.log.info(
      { subject: msg.subject, seq: msg.seq, jobId },
      'job already completed; acked without running it again',
    );
  }

  /** The handler threw: retry with backoff, or dead-letter. */
  async failed(msg: JsMsg, lane: Lane, error: unknown): Promise<void> {
    // Parsing the delivery info costs; only the failure path needs the attempt number.
    const attempt = (lane.kind !== 'culprit' && lane.attempt) || msg.info.deliveryCount;
    const decision = decideSettlement({
      error,
      failed: true,
      attempt,
      maxAttempts: this.handler.options.maxAttempts,
      backoff: this.handler.backoff,
    });
    if (decision.kind === 'ack') return; // not reached: a failure is never acked
    if (decision.kind === 'dead-letter') return this.deadLetter(msg, lane, decision.reason, error);
    // Recorded first, so the redelivery (after the backoff) finds this delivery settled.
    await this.triage.recordNak(msg, lane, attempt);
    // Bounded: a custom backoff's huge delay would overflow the server's and redeliver at once.
    msg.nak(nakDelay(decision.delayMs));
    this.handler.metrics.retried.inc();
    this.log.warn(
      {
        err: error,
        subject: msg.subject,
        seq: msg.seq,
        attempt,
        retryInMs: decision.delayMs,
        traceId: traceFrom(jobHeaders(msg).headers)?.traceId,
      },
      'job failed; will retry',
    );
  }

  /**
   * It ended its process `crashLimit` times while running alone: dead-letter it as `max-deliveries`
   * without running it again. Unless it had in fact completed (`idempotency` says so; its last run
   * finished and only the ack was lost): then it is acked, like any redelivery of a completed job.
   */
  async culprit(msg: JsMsg, lane: Extract<Lane, { kind: 'culprit' }>): Promise<void> {
    if (lane.deadLetterSeq !== undefined) return this.deadLetteredBefore(msg, lane, lane.deadLetterSeq);
    const { completed, options } = this.handler;
    const id =
      completed && options.idempotency
        ? jobIdFromHeaders(
            options.idempotency,
            jobHeaders(msg).headers,
            msg.info.stream,
            msg.info.streamSequence,
          )
        : undefined;
    if (id !== undefined && (await completed!.has(id).catch(() => false))) {
      this.alreadyCompleted(msg, lane, id);
      return;
    }
    const error = new MaxDeliveriesExceeded(
      lane.why ??
        `the job ended its worker ${lane.crashes} times while running alone ` +
          `(crashed, was killed or hung past ack_wait); ${msg.info.deliveryCount} deliveries`,
    );
    await this.deadLetter(msg, lane, 'max-deliveries', error);
  }

  /**
   * Its dead letter is stored (the DLQ holds it at `dlqSeq`) but its worker died before the term:
   * terminate it now, without running it again nor writing a second dead letter.
   */
  private deadLetteredBefore(msg: JsMsg, lane: Lane, dlqSeq: number): void {
    msg.term();
    this.triage.forget(lane);
    this.finished?.(msg);
    this.log.info(
      { subject: msg.subject, seq: msg.seq, dlqSeq },
      'job dead-lettered before its worker died; terminated without running it again',
    );
  }

  /**
   * It was cancelled (before or while it ran): term it, not retried, and record the outcome; with
   * `deadLetterCancelled` dead-letter it instead (the term follows the dead letter).
   */
  async cancelled(msg: JsMsg, lane: Lane, cancel: CancelGuard): Promise<void> {
    const deadLettered = this.handler.options.deadLetterCancelled;
    // The outcome first: a worker killed after the term but before this write left the request
    // open for good (until the bucket's TTL), cancelling the next job published under the id. Killed
    // after this write instead, the job is redelivered, found settled as cancelled, and termed.
    await cancel.record({ handler: this.handler.name, deadLettered });
    if (deadLettered) await this.deadLetter(msg, lane, 'error', cancel.error);
    else {
      msg.term();
      this.triage.forget(lane);
      this.finished?.(msg);
    }
    this.handler.metrics.cancelled.inc();
  }

  /** A nak that is not a failure (shutdown), recorded so the job does not come back a suspect. */
  async release(msg: JsMsg, lane: Lane | undefined): Promise<void> {
    await this.triage.recordRelease(msg, lane).catch(() => undefined);
    msg.nak();
  }

  /** `rateLimit`: back to the stream until its slot, recorded first so it is not an attempt. */
  async defer(msg: JsMsg, lane: Lane, delayMs: number): Promise<void> {
    await this.triage.recordDeferral(msg, lane).catch(() => false);
    msg.nak(nakDelay(delayMs));
  }

  /**
   * With the acks of the other jobs that finish together (`AckBatch`): still on the socket within
   * the microtask checkpoint this job finished in, so a crash right after cannot lose it.
   */
  private ack(msg: JsMsg): void {
    if (this.acks) this.acks.ack(msg);
    else msg.ack();
  }

  private async deadLetter(msg: JsMsg, lane: Lane, reason: DeadLetterReason, error: unknown): Promise<void> {
    try {
      await this.deadLetters.write({
        msg,
        reason,
        error,
        handler: this.handler.name,
        target: this.handler.options.deadLetter || undefined,
        // Before the term (and the onDeadLetter hook): a worker killed in between leaves a job that
        // is dead-lettered already, and its redelivery must not run it again.
        stored: (dlqSeq) => this.triage.recordDeadLetter(msg, lane, dlqSeq).catch(() => undefined),
      });
    } catch (e) {
      // Recorded as settled, so it does not come back a suspect; a culprit stays a culprit.
      if (lane.kind !== 'culprit') await this.triage.recordRelease(msg, lane).catch(() => undefined);
      msg.nak(DEAD_LETTER_RETRY_MS);
      this.log.error(
        { err: e, subject: msg.subject, seq: msg.seq },
        'could not record dead letter; job returned to the stream to try again',
      );
      return;
    }
    // No reason string: nats-server 2.9 does not parse "+TERM <reason>" and would redeliver.
    msg.term();
    this.triage.forget(lane);
    this.handler.metrics.deadLettered.inc();
    this.finished?.(msg);
  }
}
