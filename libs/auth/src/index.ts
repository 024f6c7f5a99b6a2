// Public API of @jetbus/auth: policy -> operator / account / user JWTs, creds, server config, push.

export {
  AuthConnectionError,
  AuthErrorCodes,
  AuthFileError,
  AuthorizationError,
  ClaimsUpdateError,
  JetbusAuthError,
  InvalidOptionError,
  KeyStoreError,
  PermissionDeniedError,
  PolicyError,
  PolicyValidationError,
  UserExpiredError,
  UserRevokedError,
  type AuthErrorCode,
  type PermissionOperation,
  type PolicyLocation,
} from './errors';

export {
  addUserToPolicyFile,
  DEFAULT_ACCOUNT_LIMITS,
  DEFAULT_JETSTREAM_LIMITS,
  formatPolicyPath,
  loadPolicy,
  MAX_POLICY_BYTES,
  parseExpiry,
  parsePolicy,
  policyWithoutUser,
  policyWithUser,
  readPolicyText,
  removeUserFromPolicyFile,
  writePolicyEdit,
  type PolicyEdit,
  STARTER_POLICY,
  subjectCovers,
  subjectSyntaxError,
  SYSTEM_ACCOUNT_NAME,
  SYSTEM_USER_NAME,
  validatePolicy,
  type AccountDocument,
  type AccountExport,
  type AccountImport,
  type AccountLimits,
  type AccountLimitsDocument,
  type AccountPolicy,
  type AuthPolicy,
  type ExportDocument,
  type ImportDocument,
  type JetStreamLimits,
  type JetStreamLimitsDocument,
  type PolicyDocument,
  type PolicyPath,
  type RoleDocument,
  type UserDocument,
  type UserPolicy,
} from './policy';

export {
  admin,
  adminApp,
  customRole,
  deadLetterSubjects,
  producer,
  reaper,
  RoleKinds,
  service,
  worker,
  DEFAULT_ADVISORY_STREAM,
  DEFAULT_DLQ_PREFIX,
  DEFAULT_DLQ_STREAM,
  DEFAULT_DLQ_SUBJECTS,
  DEFAULT_INBOX_PREFIX,
  reaperDurable,
  AUDIT_STREAM,
  AUDIT_SUBJECT_PREFIX,
  WORKERS_BUCKET,
  workerHeartbeatSubject,
  type AdminAppRoleOptions,
  type AdminRoleOptions,
  type CustomRoleOptions,
  type DeadLetterOptions,
  type PermissionList,
  type ReaperRoleOptions,
  type ResponsePermission,
  type RoleKind,
  type RolePermissions,
} from './roles';
// Delayed jobs: what producers, releasing workers and operators need.
export {
  DEFAULT_SCHEDULED_STREAM,
  scheduleCanceller,
  scheduleReleaser,
  scheduledProducer,
  scheduledSubjects,
  type SchedulingRoleOptions,
} from './roles';
// Unique jobs and cancellation of queued and running jobs.
export { cancellationWatcher, jobCanceller, uniqueKeys } from './roles';

export { KeyStore, type KeyStoreOptions, type RevocationRecord } from './keystore';

export {
  compilePolicy,
  effectivePermissions,
  sameClaims,
  sharedInboxWarnings,
  type CompiledAccount,
  type CompiledOperator,
  type CompiledPolicy,
  type CompiledUser,
  type CompileOptions,
  type PreviousJwts,
} from './compiler';

export {
  authPaths,
  DEFAULT_AUTH_DIR,
  readPreviousJwts,
  SERVER_CONFIG_FILE,
  writeArtifacts,
  type AuthPaths,
  type WriteArtifactsOptions,
  type WrittenArtifacts,
} from './artifacts';

export {
  checkServerConfigValue,
  DEFAULT_MAX_CONTROL_LINE,
  DEFAULT_RESOLVER_INTERVAL,
  renderServerConfig,
  requiredMaxControlLine,
  type ServerConfigOptions,
} from './server-config';

export {
  DEFAULT_CLAIMS_TIMEOUT,
  fetchAccountJwts,
  parseClaimsUpdateReply,
  pushAccount,
  pushChanges,
  revokeUser,
  type PushChangesOptions,
  type ClaimsUpdateResult,
  type PushOptions,
  type RevokeUserOptions,
  type RevokeUserResult,
} from './push';

export {
  AccountChangeKinds,
  diffAccounts,
  diffUsers,
  type AccountChange,
  type AccountChangeKind,
  type ClaimChange,
  type UserChange,
} from './diff';

export { applyPolicy, type ApplyOptions, type ApplyResult } from './apply';

export {
  authErrors,
  closedReason,
  connectUser,
  credsIdentity,
  toAuthError,
  type ConnectUserOptions,
  type UserConnection,
  type UserIdentity,
} from './client';

export { AUTH_REDACT_PATHS, createAuthLogger } from './logging';
// Periodic jobs: what a ticking worker and an operator need.
export { periodicOperator, periodicScheduler, type PeriodicSchedulerRoleOptions } from './roles';
