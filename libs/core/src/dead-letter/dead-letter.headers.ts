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
} as const;

/** Prefix of every dead-letter header; replay strips them. */
export const DEAD_LETTER_HEADER_PREFIX = 'Jetbus-Dlq-';

/** Dedup id of a dead letter: a repeated write of the same job (worker and reaper racing) is stored once. */
export const deadLetterMsgId = (stream: string, seq: number): string => `dlq:${stream}:${seq}`;

/**
 * Dedup id of a replay: a replay that crashed after publishing and is run again publishes once.
 * The DLQ stream is part of it because a recreated DLQ starts again at seq 1.
 */
export const replayMsgId = (dlqStream: string, dlqSeq: number): string => `replay:${dlqStream}:${dlqSeq}`;
