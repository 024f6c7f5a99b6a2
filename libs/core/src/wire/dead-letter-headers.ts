/**
 * Headers a dead letter carries beside the original payload and headers: the wire contract any
 * client (or the admin app, or `jetbus dlq`) reads. Values are single-line strings.
 */
export const DeadLetterHeaders = {
  /** The subject the job was published to; replay publishes back to it. */
  Subject: 'Jetbus-Dlq-Subject',
  Stream: 'Jetbus-Dlq-Stream',
  /** Stream sequence of the original message. */
  Seq: 'Jetbus-Dlq-Seq',
  Consumer: 'Jetbus-Dlq-Consumer',
  /** Deliveries made, including the last one. */
  Attempts: 'Jetbus-Dlq-Attempts',
  /** `error` | `validation` | `decode` | `max-deliveries` */
  Reason: 'Jetbus-Dlq-Reason',
  ErrorClass: 'Jetbus-Dlq-Error-Class',
  ErrorMessage: 'Jetbus-Dlq-Error-Message',
  /** The first frames of the stack, joined with ` | `. */
  ErrorStack: 'Jetbus-Dlq-Error-Stack',
  /** ISO 8601. */
  FailedAt: 'Jetbus-Dlq-Failed-At',
  /** `ClassName.method` of the handler, when a worker (not the reaper) dead-lettered it. */
  Handler: 'Jetbus-Dlq-Handler',
  /** The original `Nats-Msg-Id`, kept because `Nats-*` headers are not copied. */
  OriginalMsgId: 'Jetbus-Dlq-Original-Msg-Id',
  /**
   * Where the payload is when it is not the body: `object <bucket> <name>` (too large to travel
   * with the dead-letter headers, kept in a JetStream object store bucket) or `source` (a minimal
   * entry: the payload could not be copied and stays in the source stream at Stream/Seq).
   */
  Payload: 'Jetbus-Dlq-Payload',
  /** Payload size in bytes, when the payload is not the body. */
  PayloadSize: 'Jetbus-Dlq-Payload-Size',
  /** The job's header block, escaped, when nats.js could not decode it (reason `decode`). */
  RawHeaders: 'Jetbus-Dlq-Raw-Headers',
  /**
   * Names of `Jetbus-Dlq-*` headers the job itself carried (in any case), which the writer dropped:
   * only jetbus writes that namespace, so a producer cannot forge a dead letter's metadata.
   */
  ForgedHeaders: 'Jetbus-Dlq-Forged-Headers',
  /**
   * `true` when the job had in fact completed (its handler's `idempotency` record says so) and only
   * its ack was lost: replay skips it unless forced.
   */
  Completed: 'Jetbus-Dlq-Completed',
} as const;

export type DeadLetterHeaderName = (typeof DeadLetterHeaders)[keyof typeof DeadLetterHeaders];

/** Prefix of every dead-letter header; replay strips them. */
export const DEAD_LETTER_HEADER_PREFIX = 'Jetbus-Dlq-';

/** Dedup id of a dead letter: a repeated write of the same job (worker and reaper racing) is stored once. */
export const deadLetterMsgId = (stream: string, seq: number): string => `dlq:${stream}:${seq}`;

/**
 * Dedup id of a replay: a replay that crashed after publishing and is run again publishes once.
 * The DLQ stream is part of it because a recreated DLQ starts again at seq 1.
 */
export const replayMsgId = (dlqStream: string, dlqSeq: number): string => `replay:${dlqStream}:${dlqSeq}`;
