/** Stream that captures JetStream advisories for the reaper. */
export const DEFAULT_ADVISORY_STREAM = 'JETBUS_ADVISORIES';
/**
 * Durable the reaper consumes one source stream's advisories with, as @jetbus/core names it: one
 * per source stream, so a service reaps only streams it works on.
 */
export const reaperDurable = (stream: string): string => `jetbus-reaper_${stream}`;
/** The dead-letter stream @jetbus/core declares (`deadLetter.stream`). */
export const DEFAULT_DLQ_STREAM = 'JETBUS_DLQ';
/**
 * The KV bucket in which the reaper marks the source messages it already dead-lettered into
 * `dlqStream`, as @jetbus/core names it (`DeadLetterMarks`); its stream is `KV_<bucket>`.
 */
export const deadLetterMarksBucket = (dlqStream: string): string => `${dlqStream}_MARKS`;
/**
 * The KV bucket of @jetbus/core's attempt ledger (poison isolation): keys `<stream>.<consumer>.<seq>`.
 */
export const ATTEMPT_LEDGER_BUCKET = 'JETBUS_ATTEMPTS';
/** The KV bucket of a handler's completed job keys (`idempotency`), as @jetbus/core names it. */
export const completedJobsBucket = (durable: string): string =>
  `JETBUS_DONE_${durable.replace(/[^-_a-zA-Z0-9]/g, '_')}`;
/**
 * The object store bucket of `sourceStream`'s dead-letter payloads too large to travel with their
 * dead letter, as @jetbus/core names it; its stream is `OBJ_<bucket>`.
 */
export const deadLetterPayloadBucket = (dlqStream: string, sourceStream: string): string =>
  `${dlqStream}_PAYLOADS_${sourceStream.replace(/[^-_a-zA-Z0-9]/g, '_')}`;
/** Dead letters of a job on `orders.created` go to `dlq.orders.created` (`deadLetter.subjectPrefix`). */
export const DEFAULT_DLQ_PREFIX = 'dlq';
/**
 * Subjects the dead-letter stream captures. No built-in role is granted all of them: each may
 * dead-letter only the subjects it consumes (see `deadLetterSubjects`).
 */
export const DEFAULT_DLQ_SUBJECTS: readonly string[] = [`${DEFAULT_DLQ_PREFIX}.>`];
/** The inbox nats.js uses unless a connection sets `inboxPrefix`. */
export const DEFAULT_INBOX_PREFIX = '_INBOX';
/** Replies allowed per request when `allowResponses: true`. */
export const DEFAULT_RESPONSE_MAX = 1;
