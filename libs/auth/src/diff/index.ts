export {
  AccountChangeKinds,
  diffAccounts,
  diffClaims,
  type AccountChange,
  type AccountChangeKind,
  type ClaimChange,
} from './diff-accounts';
