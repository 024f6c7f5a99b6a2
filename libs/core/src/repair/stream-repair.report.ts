/** Why a message at or below some consumer's ack floor was left in the stream. */
export const RepairLeftReasons = {
  /**
   * The server gave up on it (`max_deliver`) and said so in a `MAX_DELIVERIES` advisory: never
   * acked, so not done. The ack floor moves past such a message once nothing else is pending, and
   * the reaper, not repair, dead-letters and deletes it.
   */
  MaxDelivered: 'max-delivered',
  /**
   * The consumer has a `max_deliver` limit but the advisory stream cannot be read, so a message the
   * server gave up on cannot be told from one that was acked.
   */
  MaxDeliveriesUnknown: 'max-deliveries-unknown',
  /** More than one consumer's filter matches its subject; a work queue forbids that, so trust nothing. */
  AmbiguousOwner: 'ambiguous-owner',
  /**
   * Between the scan and the delete the consumer (or the stream) was deleted, recreated or
   * reconfigured, so the floor that covered it no longer speaks for it.
   */
  ConsumerChanged: 'consumer-changed',
  /** The fresh ack floor read right before the delete is below it (a consumer reset, 2.11+). */
  AboveAckFloor: 'above-ack-floor',
} as const;

export type RepairLeftReason = (typeof RepairLeftReasons)[keyof typeof RepairLeftReasons];

/** A message and the consumer that owns it (the one whose filter matches its subject). */
export interface StrandedMessage {
  seq: number;
  subject: string;
  consumer: string;
}

/** A message at or below its consumer's ack floor that repair did not delete, and why. */
export interface LeftMessage extends StrandedMessage {
  reason: RepairLeftReason;
}

/** A consumer as repair saw it when it started. */
export interface RepairConsumerView {
  name: string;
  /** Its filter subjects; empty: every subject of the stream. */
  filterSubjects: string[];
  /** `ack_floor.stream_seq`: every message of this consumer at or below it was settled. */
  ackFloor: number;
  /** `delivered.stream_seq`. */
  delivered: number;
  /** `max_deliver`; -1 for unlimited. */
  maxDeliver: number;
  numPending: number;
  numAckPending: number;
  /** Set when repair did not trust this consumer's state, e.g. an ack floor above what it delivered. */
  skipped?: string;
}

/** What `repairStream` found and did. */
export interface StreamRepairReport {
  stream: string;
  dryRun: boolean;
  /** `signal` stopped the repair; what is listed was done, the rest was not looked at. */
  aborted: boolean;
  /** The stream's state when repair started. */
  messages: number;
  firstSeq: number;
  lastSeq: number;
  consumers: RepairConsumerView[];
  /** Deleted, in sequence order; in a dry run, what would be deleted. */
  removed: StrandedMessage[];
  /** At or below an ack floor but not provably acked, so kept. */
  left: LeftMessage[];
  /** Stranded when scanned, but gone by the time of the delete (the server or a reaper got there first). */
  alreadyDeleted: number[];
}
