export { parseClaimsUpdateReply, type ClaimsUpdateResult } from './claims-update-reply';
export { DEFAULT_CLAIMS_TIMEOUT, fetchAccountJwts, pushAccount, type PushOptions } from './push-account';
export { revokeUser, type RevokeUserOptions, type RevokeUserResult } from './revoke-user';
export { pushChanges, type PushChangesOptions } from './push-changes';
