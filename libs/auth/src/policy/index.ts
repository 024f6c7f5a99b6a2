export {
  type AccountExport,
  type AccountImport,
  type AccountLimits,
  type AccountPolicy,
  type AuthPolicy,
  type ExportType,
  type JetStreamLimits,
  type UserPolicy,
} from './auth-policy.types';
export { parseByteSize } from './byte-size';
export { parseExpiry } from './expiry';
export { loadPolicy, MAX_POLICY_BYTES, parsePolicy, readPolicyText } from './load-policy';
export * from './policy-defaults';
export type * from './policy-document.types';
export {
  addUserToPolicyFile,
  policyWithoutUser,
  policyWithUser,
  type PolicyEdit,
  removeUserFromPolicyFile,
  writePolicyEdit,
} from './policy-file';
export { formatPolicyPath, type PolicyPath } from './policy-path';
export { STARTER_POLICY } from './starter-policy';
export { nameSyntaxError, subjectCovers, subjectSyntaxError, type SubjectRules } from './subject';
export { validatePolicy } from './validate-policy';
