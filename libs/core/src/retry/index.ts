export { type Duration, parseDuration } from './duration';
export {
  type BackoffFunction,
  type BackoffOptions,
  type ExponentialBackoff,
  type FixedBackoff,
  type ListBackoff,
  createBackoff,
} from './backoff';
export { type DeadLetterReason } from './dead-letter-reason';
export { nonRetryableReason } from './classify-error';
export { type Settlement, type SettlementInput, decideSettlement } from './settlement';
