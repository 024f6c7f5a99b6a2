export {
  AccountChangeKinds,
  diffAccounts,
  diffClaims,
  diffUsers,
  type AccountChange,
  type AccountChangeKind,
  type ClaimChange,
  type UserChange,
} from './diff-accounts';
