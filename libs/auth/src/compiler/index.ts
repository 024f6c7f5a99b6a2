export { compilePolicy, type CompileOptions } from './compile-policy';
export {
  type CompiledAccount,
  type CompiledOperator,
  type CompiledPolicy,
  type CompiledUser,
  type PreviousJwts,
} from './compiled-policy.types';
export { sameClaims, stableClaims } from './same-claims';
export { effectivePermissions } from './user-claims';
export { sharedInboxWarnings } from './shared-inbox-warnings';
