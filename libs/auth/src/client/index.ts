export {
  authErrors,
  closedReason,
  connectUser,
  type ConnectUserOptions,
  type UserConnection,
} from './connect-user';
export { toAuthError } from './to-auth-error';
export { credsIdentity, type UserIdentity } from './user-identity';
