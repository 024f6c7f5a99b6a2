export {
  admin,
  adminApp,
  customRole,
  deadLetterSubjects,
  producer,
  reaper,
  service,
  worker,
  type AdminAppRoleOptions,
  type AdminRoleOptions,
  type CustomRoleOptions,
  type DeadLetterOptions,
  type ReaperRoleOptions,
} from './builtin-roles';
export {
  RoleKinds,
  type PermissionList,
  type ResponsePermission,
  type RoleKind,
  type RolePermissions,
} from './role-permissions';
export * from './role-defaults';
export {
  scheduleCanceller,
  scheduleReleaser,
  scheduledProducer,
  type SchedulingRoleOptions,
} from './scheduling-roles';
export { DEFAULT_SCHEDULED_STREAM, scheduledSubjects } from './scheduling-names';
export { periodicOperator, periodicScheduler, type PeriodicSchedulerRoleOptions } from './periodic-roles';
export { cancellationWatcher, jobCanceller, uniqueKeys } from './job-control-roles';
