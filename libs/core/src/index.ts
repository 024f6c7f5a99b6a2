export { JetbusModule } from './module/jetbus.module';
// Everything for running a deployment from outside an application (also `@jetbus/core/ops`).
export * from './ops';
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
  type Duration,
  type ExponentialBackoff,
  type FixedBackoff,
  type ListBackoff,
  createBackoff,
  parseDuration,
} from './retry';
export { type Codec, JsonCodec } from './codec';
export { type EncryptionOptions, type EnvelopeKeyOptions, EnvelopeKeyProvider } from './encryption';
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
} from './dead-letter';
export { Payload, Ctx } from '@nestjs/microservices';
export { type PubAck } from '@nats-io/jetstream';
export { AUDIT_STREAM, AUDIT_SUBJECT_PREFIX } from './wire/names';
export { JETBUS_CORE_VERSION } from './version';
export { type HeartbeatOptions } from './options/jetbus-module.options';
// Delayed jobs: scheduling stream names, listing and cancellation (JetbusClient.cancel/listScheduled).
export { type ScheduledPubAck, type ScheduledPublishOptions } from './client';
export { type SchedulingOptions } from './options/jetbus-module.options';
export {
  DELIVER_AT_HEADER,
  SCHEDULED_SUBJECT_PREFIX,
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
  PERIODIC_BUCKET,
  PERIODIC_CATCH_UP_HEADER,
  PERIODIC_NAME_HEADER,
  PERIODIC_STREAM,
  PERIODIC_SUBJECT_PREFIX,
  PERIODIC_TICK_HEADER,
  Periodic,
  periodicMsgId,
  periodicSubject,
  periodicTickOf,
} from './scheduling/periodic';
// Unique jobs (`unique` on publish) and cancellation of queued and running jobs.
export {
  type UniqueOptions,
  type UniqueOutcome,
  type UniquePubAck,
  UniqueKeys,
  resolveUnique,
} from './unique';
export { type CancellationOptions, type JobCancellation } from './cancellation';
export {
  CANCELLED_BUCKET,
  UNIQUE_BUCKET,
  UNIQUE_KEY_HEADER,
  UNIQUE_REVISION_HEADER,
} from './wire/job-control-names';
