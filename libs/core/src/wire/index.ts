// @jetbus/core/wire: the contract @jetbus/core shares with @jetbus/auth and @jetbus/cli (names of
// streams, buckets and durables, headers, creds identity, auth errors and their translator).
// It loads no NestJS, class-validator or JetStream client code, so packages that only speak the
// wire can import it without a Nest application (wire.spec.ts holds it to that).

export {
  AuthenticationError,
  AuthenticationFailures,
  type AuthenticationErrorOptions,
  type AuthenticationFailure,
} from '../errors/authentication.error';
export { JetbusErrorCodes, type JetbusErrorCode } from '../errors/error-codes';
export { JetbusError } from '../errors/jetbus.error';
export { PermissionDeniedError, type PermissionOperation } from '../errors/permission-denied.error';
export { didYouMean, editDistance } from '../config/did-you-mean';
export {
  errorCauses,
  isErrorLike,
  toAuthenticationError,
  toPermissionDeniedError,
  type AuthErrorContext,
} from './auth-errors';
export { credsUserJwt, readCredsIdentity, type ConnectionIdentity } from './creds-identity';
export {
  DEAD_LETTER_HEADER_PREFIX,
  DEAD_LETTER_SUBJECT_MAX,
  deadLetterMsgId,
  deadLetterSubjectTail,
  DeadLetterHeaders,
  replayMsgId,
  type DeadLetterHeaderName,
} from './dead-letter-headers';
export { JOB_ID_HEADER } from './job-id-header';
export {
  CANCELLED_BUCKET,
  UNIQUE_BUCKET,
  UNIQUE_KEY_HEADER,
  UNIQUE_REVISION_HEADER,
} from './job-control-names';
export {
  ADVISORY_STREAM,
  ATTEMPT_LEDGER_BUCKET,
  bucketNamePart,
  completedJobsBucket,
  DEAD_LETTER_DEFAULT_STREAM,
  DEAD_LETTER_DEFAULT_SUBJECT_PREFIX,
  deadLetterMarksBucket,
  deadLetterPayloadBucket,
  deadLetterPayloadBucketPrefix,
  RATE_LIMIT_BUCKET,
  reaperDurable,
} from './names';
export {
  AUDIT_STREAM,
  AUDIT_SUBJECT_PREFIX,
  boundedKvKeyPart,
  KV_KEY_TOKEN_MAX,
  kvKeyPart,
  WORKERS_BUCKET,
  workerHeartbeatSubject,
} from './names';
export {
  GROUP_TOKEN,
  PRIORITIES,
  PRIORITY_TOKEN,
  type Priority,
  groupDurable,
  groupFilter,
  groupSubject,
  priorityDurable,
  prioritySubject,
} from './lane-names';
