export { JetbusErrorCodes, type JetbusErrorCode } from './error-codes';
export { JetbusError } from './jetbus.error';
export { JetbusConfigError } from './jetbus-config.error';
export { ConnectionError } from './connection.error';
export { StartupError } from './startup.error';
export {
  AuthenticationError,
  AuthenticationFailures,
  type AuthenticationErrorOptions,
  type AuthenticationFailure,
} from './authentication.error';
export { NotConnectedError } from './not-connected.error';
export { NoStreamForSubjectError } from './no-stream-for-subject.error';
export { PublishTimeoutError } from './publish-timeout.error';
export { PublishFailedError } from './publish-failed.error';
export { PublishManyError } from './publish-many.error';
export { PermissionDeniedError, type PermissionOperation } from './permission-denied.error';
export { PayloadTooLargeError } from './payload-too-large.error';
export { StreamLimitError } from './stream-limit.error';
export { InvalidPayloadError } from './invalid-payload.error';
export { DecodeError } from './decode.error';
export { NonRetryableError } from './non-retryable.error';
export { JobTimeoutError } from './job-timeout.error';
export { ConsumerDriftError } from './consumer-drift.error';
export { DeadLetterNotFoundError } from './dead-letter-not-found.error';
export { DeadLetterStreamNotFoundError } from './dead-letter-stream-not-found.error';
export { ReplayConflictError } from './replay-conflict.error';
export { StreamNotFoundError } from './stream-not-found.error';
export { RepairNotSupportedError } from './repair-not-supported.error';
export { ReplayTargetError } from './replay-target.error';
export { DeadLetterPayloadMissingError } from './dead-letter-payload-missing.error';
export { PeriodicNotFoundError } from './periodic-not-found.error';
export { DecryptError, type DecryptFailure } from './decrypt.error';
export { CleartextRefusedError } from './cleartext-refused.error';
export { EncryptionKeyError } from './encryption-key.error';
export { JobCancelledError } from './job-cancelled.error';
export { UnreleasableJobError } from './unreleasable-job.error';
