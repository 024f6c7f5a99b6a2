/**
 * `@jetbus/core/ops`: running a jetbus deployment from outside an application (the `jetbus` CLI,
 * scripts, an admin service): dead letters and their replay, stranded-message repair, scheduled,
 * periodic and running jobs, live workers, encrypted payloads, and jetbus's errors. It loads neither
 * NestJS nor class-validator, so a command that needs only this starts in a fraction of the time the
 * main entry point takes. The main entry point re-exports all of it: one definition of each name.
 */
export {
  type DeadLetterEntry,
  type DeadLetterFilter,
  type DeadLetterHeaderMap,
  type DeadLetterPayload,
  type DeadLetterRecord,
  type DeadLetterStoreOptions,
  type FailedReplay,
  type MalformedDeadLetter,
  type PlannedReplay,
  type ReplayOptions,
  type ReplayOutcome,
  type ReplayProgress,
  type ReplayReport,
  type ReplayedDeadLetter,
  type SkippedDeadLetter,
  DEAD_LETTER_DEFAULT_STREAM,
  DEAD_LETTER_REASONS,
  DeadLetterStore,
  REPLAY_DEFAULT_RATE_PER_SECOND,
  hasDeadLetterCriteria,
  isDeadLetterReason,
  matchesDeadLetterFilter,
  parseDeadLetter,
  parseDeadLetterFilter,
  replayDeadLetters,
} from '../dead-letter';
export { type DeadLetterReason } from '../retry/dead-letter-reason';
export * from '../repair';
export * from '../errors';
export {
  JetStreamApiCode,
  isConsumerNotFound,
  isMessageGone,
  isStreamNotFound,
  jetStreamApiCode,
} from '../connection/jetstream-api-errors';
// Delayed jobs: listing and cancelling what waits in the scheduling stream.
export {
  type CancelOutcome,
  type CancelResult,
  type ListScheduledOptions,
  type ScheduledJob,
  type ScheduledPage,
  JOB_ID_PATTERN,
  SCHEDULED_STREAM,
  cancelScheduled,
  listScheduled,
} from '../scheduling';
// Periodic jobs: list, pause, resume.
export {
  type PeriodicSchedule,
  type PeriodicScheduleJson,
  PERIODIC_NAME_PATTERN,
  listPeriodic,
  pausePeriodic,
  periodicScheduleJson,
  resumePeriodic,
} from '../scheduling/periodic';
// Cancelling queued and running jobs.
export {
  type JobCancelOutcome,
  type JobCancelResult,
  CANCELLATION_TTL_MS,
  CancellationStore,
  cancelJob,
  checkCancellableJobId,
} from '../cancellation';
// Live workers, from their heartbeats.
export {
  type DeclaredConsumer,
  type HandlerHeartbeat,
  type WorkerHeartbeat,
  HEARTBEAT_TTL_INTERVALS,
  WORKERS_BUCKET,
  listWorkers,
} from '../workers';
// Encrypted payloads: key rings and reading a sealed job or dead letter.
export {
  type EncryptionKey,
  type KeyProvider,
  type KeyRingFile,
  type RevealedPayload,
  ENCRYPTION_HEADER,
  ENCRYPTION_KEYS_ENV,
  KeyRing,
  envKeyProvider,
  fileKeyProvider,
  parseEncryptionHeader,
  revealPayload,
} from '../encryption';
