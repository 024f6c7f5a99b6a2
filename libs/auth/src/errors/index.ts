export { AuthErrorCodes, type AuthErrorCode } from './auth-error-codes';
export { JetbusAuthError } from './jetbus-auth.error';
export { PolicyError, type PolicyLocation } from './policy.error';
export { PolicyValidationError } from './policy-validation.error';
// One PermissionDeniedError for every package: @jetbus/core's (operation, subject, user).
export { PermissionDeniedError, type PermissionOperation } from '@jetbus/core/wire';
export { AuthorizationError } from './authorization.error';
export { UserRevokedError } from './user-revoked.error';
export { UserExpiredError } from './user-expired.error';
export { KeyStoreError } from './key-store.error';
export { ClaimsUpdateError } from './claims-update.error';
export { AuthFileError } from './auth-file.error';
export { InvalidOptionError } from './invalid-option.error';
export { AuthConnectionError } from './auth-connection.error';
