export { JetbusModule } from './module/jetbus.module';
export {
  type JetbusModuleOptions,
  type JetbusModuleAsyncOptions,
  type JetbusTlsOptions,
} from './options/jetbus-module.options';
export { type JetbusStreamOptions } from './options/jetbus-stream.options';
export { JetbusConnection } from './connection/jetbus.connection';
export { JETBUS_LOGGER, JETBUS_MODULE_OPTIONS } from './constants';
export { JetbusClient, JetbusClientProxy, type PublishOptions, type PublishRequest } from './client';
export { JetbusServer } from './server/jetbus.server';
export { JetbusContext } from './context/jetbus.context';
export { JobHandler } from './handlers/job-handler.decorator';
export {
  type JobHandlerCommonOptions,
  type JobHandlerLaneOptions,
  type JobHandlerOptions,
} from './handlers/job-handler.options';
export { type RateLimitOptions } from './rate-limit';
export {
  type BackoffFunction,
  type BackoffOptions,
  type DeadLetterReason,
  type Duration,
  type ExponentialBackoff,
  type FixedBackoff,
  type ListBackoff,
  createBackoff,
  parseDuration,
} from './retry';
export {
  JetStreamApiCode,
  jetStreamApiCode,
  isStreamNotFound,
  isConsumerNotFound,
  isMessageGone,
} from './connection/jetstream-api-errors';
export { type Codec, JsonCodec } from './codec';
export {
  type EncryptionKey,
  type EncryptionOptions,
  type EnvelopeKeyOptions,
  type KeyProvider,
  type KeyRingFile,
  ENCRYPTION_HEADER,
  ENCRYPTION_KEYS_ENV,
  EnvelopeKeyProvider,
  KeyRing,
  envKeyProvider,
  fileKeyProvider,
  parseEncryptionHeader,
  type RevealedPayload,
  revealPayload,
} from './encryption';
export { JetbusMetrics } from './observability/jetbus-metrics';
export {
  TRACEPARENT,
  type TraceContext,
  childTraceparent,
  parseTraceparent,
} from './observability/trace-context';
export {
  type DeadLetter,
  type DeadLetterOptions,
  DeadLetterSink,
  DeadLetterHeaders,
  DEAD_LETTER_HEADER_PREFIX,
  deadLetterMsgId,
  deadLetterSubjectTail,
  replayMsgId,
  MAX_DELIVERIES_ADVISORY_SUBJECT,
  REAPER_MAX_ATTEMPTS,
  deadLetterPayloadBucket,
  type DeadLetterEntry,
  type DeadLetterHeaderMap,
  type DeadLetterRecord,
  type DeadLetterPayload,
  type MalformedDeadLetter,
  DEAD_LETTER_REASONS,
  isDeadLetterReason,
  parseDeadLetter,
  type DeadLetterFilter,
  hasDeadLetterCriteria,
  parseDeadLetterFilter,
  matchesDeadLetterFilter,
  DeadLetterStore,
  type DeadLetterStoreOptions,
  DEAD_LETTER_DEFAULT_STREAM,
  replayDeadLetters,
  REPLAY_DEFAULT_RATE_PER_SECOND,
  type ReplayOptions,
  type ReplayOutcome,
  type ReplayProgress,
  type ReplayReport,
  type ReplayedDeadLetter,
  type PlannedReplay,
  type SkippedDeadLetter,
  type FailedReplay,
} from './dead-letter';
export * from './errors';
export { Payload, Ctx } from '@nestjs/microservices';
export { type PubAck } from '@nats-io/jetstream';
export * from './repair';
export {
  listWorkers,
  WORKERS_BUCKET,
  HEARTBEAT_TTL_INTERVALS,
  type DeclaredConsumer,
  type HandlerHeartbeat,
  type WorkerHeartbeat,
} from './workers';
export { AUDIT_STREAM, AUDIT_SUBJECT_PREFIX } from './wire/names';
export { JETBUS_CORE_VERSION } from './version';
export { type HeartbeatOptions } from './options/jetbus-module.options';
// Delayed jobs: scheduling stream names, listing and cancellation (JetbusClient.cancel/listScheduled).
export { type ScheduledPubAck, type ScheduledPublishOptions } from './client';
export { type SchedulingOptions } from './options/jetbus-module.options';
export {
  type CancelOutcome,
  type CancelResult,
  type ListScheduledOptions,
  type ScheduledJob,
  type ScheduledPage,
  DELIVER_AT_HEADER,
  JOB_ID_PATTERN,
  SCHEDULED_STREAM,
  SCHEDULED_SUBJECT_PREFIX,
  cancelScheduled,
  listScheduled,
  releaseDurable,
  scheduleOutcomesBucket,
  scheduledFilter,
  scheduledSubject,
} from './scheduling';
// Priorities and fairness: lane subjects and durables (for producers in other languages, and auth).
export {
  type FairnessOptions,
  type PrioritiesOption,
  type Priority,
  type PriorityWeights,
  GROUP_TOKEN,
  PRIORITIES,
  PRIORITY_TOKEN,
  groupDurable,
  groupSubject,
  priorityDurable,
  prioritySubject,
} from './lanes';
// Periodic (cron) jobs: @Periodic, module `periodic`, list/pause/resume, wire names.
export {
  type MissedTicksPolicy,
  type PeriodicDefinition,
  type PeriodicOptions,
  type PeriodicSchedule,
  PERIODIC_BUCKET,
  PERIODIC_CATCH_UP_HEADER,
  PERIODIC_NAME_HEADER,
  PERIODIC_NAME_PATTERN,
  PERIODIC_STREAM,
  PERIODIC_SUBJECT_PREFIX,
  PERIODIC_TICK_HEADER,
  Periodic,
  listPeriodic,
  pausePeriodic,
  periodicMsgId,
  periodicSubject,
  periodicTickOf,
  type PeriodicScheduleJson,
  periodicScheduleJson,
  resumePeriodic,
} from './scheduling/periodic';
// Unique jobs (`unique` on publish) and cancellation of queued and running jobs.
export {
  type UniqueOptions,
  type UniqueOutcome,
  type UniquePubAck,
  UniqueKeys,
  resolveUnique,
} from './unique';
export {
  type CancellationOptions,
  type JobCancelOutcome,
  type JobCancelResult,
  type JobCancellation,
  CANCELLATION_TTL_MS,
  CancellationStore,
  cancelJob,
  checkCancellableJobId,
} from './cancellation';
export {
  CANCELLED_BUCKET,
  UNIQUE_BUCKET,
  UNIQUE_KEY_HEADER,
  UNIQUE_REVISION_HEADER,
} from './wire/job-control-names';
