export { type PeriodicSchedule, listPeriodic, pausePeriodic, resumePeriodic } from './manage-periodic';
export { type PeriodicScheduleJson, periodicScheduleJson } from './periodic-schedule-json';
export {
  PERIODIC_BUCKET,
  PERIODIC_CATCH_UP_HEADER,
  PERIODIC_NAME_HEADER,
  PERIODIC_NAME_PATTERN,
  PERIODIC_STREAM,
  PERIODIC_SUBJECT_PREFIX,
  PERIODIC_TICK_HEADER,
  periodicJobId,
  periodicMsgId,
  periodicSubject,
} from './periodic-names';
export { PERIODIC_METADATA, Periodic, type PeriodicMetadata } from './periodic.decorator';
export {
  type MissedTicksPolicy,
  type PeriodicDefinition,
  type PeriodicOptions,
  type ResolvedPeriodic,
} from './periodic.options';
export {
  PeriodicRunner,
  type PeriodicRunnerDeps,
  type TickConsumer,
  type TickResult,
} from './periodic-runner';
export {
  checkUniqueNames,
  parseCron,
  resolvePeriodicDecorator,
  resolvePeriodicDefinitions,
} from './resolve-periodic';
export { periodicTickOf } from './periodic-tick';
export { type PeriodicDefinitionRecord, PeriodicStore } from './periodic-store';
export { PERIODIC_DEFAULTS } from './resolve-periodic';
