export {
  type CancelOutcome,
  type CancelResult,
  type CancelScheduledOptions,
  cancelScheduled,
} from './cancel-scheduled';
export { type ListScheduledOptions, type ScheduledPage, listScheduled } from './list-scheduled';
export {
  RELEASE_ACK_WAIT_MS,
  RELEASE_MAX_ACK_PENDING,
  ReleaseRunner,
  type ReleaseRunnerDeps,
  releaseConsumerConfig,
} from './release-runner';
export { type Schedule, type ScheduleFields, parseDeliverAt, resolveSchedule } from './schedule-options';
export { OUTCOME_TTL_MS, type ScheduleOutcome, ScheduleOutcomes } from './schedule-outcomes';
export { type ScheduledJob, parseDueTime, toScheduledJob } from './scheduled-job';
export {
  DELIVER_AT_HEADER,
  JOB_ID_PATTERN,
  SCHEDULED_STREAM,
  SCHEDULED_SUBJECT_PREFIX,
  parseScheduledSubject,
  releaseDurable,
  releaseMsgId,
  scheduleOutcomesBucket,
  scheduledFilter,
  scheduledJobFilter,
  scheduledSubject,
} from './scheduling-names';
