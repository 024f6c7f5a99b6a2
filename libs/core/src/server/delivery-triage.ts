import { type JsMsg } from '@nats-io/jetstream';
import { deliveryCount } from '../codec/delivery-count';
import { type AttemptLedger, type AttemptRecord, NO_ATTEMPTS, attemptKey } from '../retry/attempt-ledger';

/**
 * How a delivered job runs:
 * - `shared`: with the others. A first delivery, or one whose previous delivery jetbus settled
 *   (a retry's nak, a shutdown release). `attempt` counts handler failures, not deliveries; 0 means
 *   isolation is off and the server's delivery count is the attempt.
 * - `exclusive`: a suspect, whose previous delivery ended with no settlement (its worker died or
 *   hung). It runs alone in its process, so a crash is blamed on it alone.
 * - `culprit`: it crashed (or hung) its process `crashLimit` times while running alone: dead-letter
 *   it (reason `max-deliveries`) without running it again. With `deadLetterSeq`, its dead letter is
 *   stored already (its worker died before the term): terminate it without running it again.
 */
export type Lane =
  | { kind: 'shared'; attempt: number; key?: string; record?: AttemptRecord }
  | { kind: 'exclusive'; attempt: number; key: string; record: AttemptRecord }
  | { kind: 'culprit'; key: string; crashes: number; why?: string; deadLetterSeq?: number };

/** Without a reachable ledger, a job still stops after this many deliveries beyond its budget. */
const LEDGERLESS_EXTRA_DELIVERIES = 50;

/**
 * Poison isolation: tells a job whose worker died from a job that failed, using the attempt
 * ledger, and records every settlement that is not final. A first delivery costs nothing (no ledger
 * read); a redelivery costs one read; retries and isolated runs one write each.
 */
export class DeliveryTriage {
  constructor(
    private readonly ledger: AttemptLedger | undefined,
    /** Isolated crashes that make a job the culprit; 0 turns isolation off. */
    private readonly crashLimit: number,
    private readonly maxAttempts: number,
    /** `rateLimit`: deliveries nak-ed to wait for a slot are recorded and never counted as attempts. */
    private readonly defers = false,
    /** Whether the DLQ holds the job's dead letter at a recorded sequence (not just the ledger's say-so). */
    private readonly deadLettered?: (msg: JsMsg, dlqSeq: number) => Promise<boolean>,
  ) {}

  get isolating(): boolean {
    return this.ledger !== undefined && this.crashLimit > 0;
  }

  /** Isolation, or a rate limit without it: attempts are counted from the ledger, not `max_deliver`. */
  private get counting(): boolean {
    return this.isolating || (this.defers && this.ledger !== undefined);
  }

  lane(msg: JsMsg): Lane | Promise<Lane> {
    if (!this.isolating) {
      if (!this.counting) return { kind: 'shared', attempt: 0 };
      const delivery = deliveryCount(msg);
      return delivery === 1 ? { kind: 'shared', attempt: 1 } : this.redeliveredDeferring(msg, delivery);
    }
    // Every job passes here: the count alone, not the whole delivery info (`deliveryCount`).
    const delivery = deliveryCount(msg);
    if (delivery === 1) return { kind: 'shared', attempt: 1 };
    return this.redelivered(msg, delivery);
  }

  private async redelivered(msg: JsMsg, delivery: number): Promise<Lane> {
    const key = keyOf(msg);
    const record = await this.ledger!.get(key);
    const stored = await this.storedDeadLetter(msg, key, record);
    if (stored) return stored;
    if (record && record.settledAt === delivery - 1)
      return { kind: 'shared', attempt: record.failures + 1, key, record };
    const crashes = record?.isolatedCrashes ?? 0;
    if (crashes >= this.crashLimit) return { kind: 'culprit', key, crashes };
    if (!record && delivery > this.budget()) return { kind: 'culprit', key, crashes };
    return { kind: 'exclusive', attempt: (record?.failures ?? 0) + 1, key, record: record ?? NO_ATTEMPTS };
  }

  /**
   * Without isolation every delivery is an attempt except rate-limit deferrals. The consumer has no
   * `max_deliver` then (deferrals would exhaust it), so a job delivered past `maxAttempts` without
   * settling (its workers died) is dead-lettered here, as the server would have.
   */
  private async redeliveredDeferring(msg: JsMsg, delivery: number): Promise<Lane> {
    const key = keyOf(msg);
    const record = await this.ledger!.get(key);
    const stored = await this.storedDeadLetter(msg, key, record);
    if (stored) return stored;
    const attempt = delivery - (record?.deferrals ?? 0);
    if (attempt > this.maxAttempts) {
      return {
        kind: 'culprit',
        key,
        crashes: attempt - 1,
        why:
          `the job was delivered ${attempt - 1} times (maxAttempts ${this.maxAttempts}, rate-limit ` +
          `waits not counted) and its worker never settled it; ${delivery} deliveries`,
      };
    }
    return { kind: 'shared', attempt, key, record: record ?? NO_ATTEMPTS };
  }

  /**
   * A job whose dead letter was stored before its worker died (the term lost): the DLQ is asked
   * whether it holds that entry, so a record alone never ends a job without a dead letter.
   */
  private async storedDeadLetter(
    msg: JsMsg,
    key: string,
    record: AttemptRecord | undefined,
  ): Promise<Lane | undefined> {
    const dlqSeq = record?.deadLetterSeq ?? 0;
    if (dlqSeq === 0 || !(await this.deadLettered?.(msg, dlqSeq).catch(() => false))) return undefined;
    return { kind: 'culprit', key, crashes: record!.isolatedCrashes, deadLetterSeq: dlqSeq };
  }

  private budget(): number {
    return (
      (Number.isFinite(this.maxAttempts) ? this.maxAttempts : 1_000) +
      this.crashLimit +
      LEDGERLESS_EXTRA_DELIVERIES
    );
  }

  /**
   * Counts the isolated run as a crash before it starts: a process that dies cannot write anything
   * afterwards. A run that settles takes the count back (`recordNak`, or `forget` on ack/term).
   */
  async beginExclusive(msg: JsMsg, lane: Extract<Lane, { kind: 'exclusive' }>): Promise<void> {
    lane.record = {
      ...lane.record,
      isolatedCrashes: lane.record.isolatedCrashes + 1,
      isolatedAt: msg.info.deliveryCount,
    };
    await this.ledger!.put(lane.key, lane.record);
  }

  /**
   * Before a retry's nak (so the redelivery finds it): this delivery was settled and the job has
   * failed `attempt` times. An isolated run that failed normally did not crash: its count is undone.
   */
  async recordNak(msg: JsMsg, lane: Lane, attempt: number): Promise<void> {
    if (!this.isolating || lane.kind === 'culprit') return;
    const prior = lane.record ?? NO_ATTEMPTS;
    const crashes = lane.kind === 'exclusive' ? prior.isolatedCrashes - 1 : prior.isolatedCrashes;
    await this.ledger!.put(lane.key ?? keyOf(msg), {
      ...prior,
      settledAt: msg.info.deliveryCount,
      failures: attempt,
      isolatedCrashes: Math.max(0, crashes),
    });
  }

  /** A nak that is not a failure (shutdown, a dead letter that could not be written yet). */
  async recordRelease(msg: JsMsg, lane: Lane | undefined): Promise<void> {
    if (!this.isolating) return;
    const delivery = msg.info.deliveryCount;
    const key = lane && lane.kind !== 'culprit' && lane.key ? lane.key : keyOf(msg);
    let prior = lane && lane.kind !== 'culprit' ? lane.record : undefined;
    if (!prior && delivery > 1) prior = await this.ledger!.get(key);
    prior ??= NO_ATTEMPTS;
    const crashes = lane?.kind === 'exclusive' ? prior.isolatedCrashes - 1 : prior.isolatedCrashes;
    await this.ledger!.put(key, { ...prior, settledAt: delivery, isolatedCrashes: Math.max(0, crashes) });
  }

  /**
   * Before a `rateLimit` nak: this delivery was settled and is not an attempt (failures unchanged;
   * an isolated run's crash count undone). Resolves false when the ledger could not record it: the
   * redelivery then counts it as a delivery (a suspect with isolation, an attempt without).
   */
  async recordDeferral(msg: JsMsg, lane: Lane): Promise<boolean> {
    if (!this.ledger || lane.kind === 'culprit') return false;
    const delivery = msg.info.deliveryCount;
    const key = lane.key ?? keyOf(msg);
    let prior = lane.record;
    if (!prior && delivery > 1) prior = await this.ledger.get(key);
    prior ??= NO_ATTEMPTS;
    lane.key = key;
    const crashes = lane.kind === 'exclusive' ? prior.isolatedCrashes - 1 : prior.isolatedCrashes;
    return this.ledger.put(key, {
      ...prior,
      settledAt: delivery,
      deferrals: prior.deferrals + 1,
      isolatedCrashes: Math.max(0, crashes),
    });
  }

  /**
   * Once the job's dead letter is stored and before its term: a redelivery (its worker died in
   * between) finds it and terminates the job without running it again. The record is deleted
   * with the term (`forget`).
   */
  async recordDeadLetter(msg: JsMsg, lane: Lane, dlqSeq: number): Promise<void> {
    if (!this.counting) return;
    const key = lane.key ?? keyOf(msg);
    lane.key = key;
    const prior = lane.kind === 'culprit' ? NO_ATTEMPTS : (lane.record ?? NO_ATTEMPTS);
    await this.ledger!.put(key, { ...prior, deadLetterSeq: dlqSeq });
  }

  /** The job is gone (acked, terminated): its record is no longer needed. */
  forget(lane: Lane): void {
    if (this.counting && lane.key) void this.ledger!.delete(lane.key);
  }
}

const keyOf = (msg: JsMsg): string => attemptKey(msg.info.stream, msg.info.consumer, msg.info.streamSequence);
