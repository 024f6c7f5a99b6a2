import {
  ADVISORY_STREAM,
  DEAD_LETTER_DEFAULT_STREAM,
  DEAD_LETTER_DEFAULT_SUBJECT_PREFIX,
} from '@jetbus/core/wire';

// The names @jetbus/core gives its streams, buckets and durables are its wire contract: roles grant
// exactly them, so they are imported, never copied.
export {
  ATTEMPT_LEDGER_BUCKET,
  completedJobsBucket,
  deadLetterMarksBucket,
  deadLetterPayloadBucket,
  kvKeyPart,
  RATE_LIMIT_BUCKET,
  reaperDurable,
} from '@jetbus/core/wire';
// Priority and group lanes: their durables and subjects (a handler's `priorities` / `fairness`).
export { GROUP_TOKEN, groupFilter, priorityDurable } from '@jetbus/core/wire';
// Worker heartbeats (the workers' bucket, a user's own keys) and the admin app's audit trail.
export {
  AUDIT_STREAM,
  AUDIT_SUBJECT_PREFIX,
  WORKERS_BUCKET,
  workerHeartbeatSubject,
} from '@jetbus/core/wire';
// Cancelling queued and running jobs: the bucket of cancel requests.
export { CANCELLED_BUCKET } from '@jetbus/core/wire';

/** Stream that captures JetStream advisories for the reaper (@jetbus/core's `ADVISORY_STREAM`). */
export const DEFAULT_ADVISORY_STREAM = ADVISORY_STREAM;
/** The dead-letter stream @jetbus/core declares (`deadLetter.stream`). */
export const DEFAULT_DLQ_STREAM = DEAD_LETTER_DEFAULT_STREAM;
/** Dead letters of a job on `orders.created` go to `dlq.orders.created` (`deadLetter.subjectPrefix`). */
export const DEFAULT_DLQ_PREFIX = DEAD_LETTER_DEFAULT_SUBJECT_PREFIX;
/**
 * Subjects the dead-letter stream captures. No built-in role is granted all of them: each may
 * dead-letter only the subjects it consumes (see `deadLetterSubjects`).
 */
export const DEFAULT_DLQ_SUBJECTS: readonly string[] = [`${DEFAULT_DLQ_PREFIX}.>`];
/** The inbox nats.js uses unless a connection sets `inboxPrefix`. */
export const DEFAULT_INBOX_PREFIX = '_INBOX';
/** Replies allowed per request when `allowResponses: true`. */
export const DEFAULT_RESPONSE_MAX = 1;
