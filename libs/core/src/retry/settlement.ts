import { type BackoffFunction } from './backoff';
import { nonRetryableReason } from './classify-error';
import { type DeadLetterReason } from './dead-letter-reason';

/** What to do with a message after its handler ran: the whole retry policy as data. */
export type Settlement =
  { kind: 'ack' } | { kind: 'retry'; delayMs: number } | { kind: 'dead-letter'; reason: DeadLetterReason };

export interface SettlementInput {
  /** The error the handler threw, or `undefined` on success. */
  error?: unknown;
  failed: boolean;
  /** 1-based: the message's delivery count. */
  attempt: number;
  maxAttempts: number;
  backoff: BackoffFunction;
}

export function decideSettlement({
  error,
  failed,
  attempt,
  maxAttempts,
  backoff,
}: SettlementInput): Settlement {
  if (!failed) return { kind: 'ack' };
  const reason = nonRetryableReason(error);
  if (reason) return { kind: 'dead-letter', reason };
  if (attempt >= maxAttempts) return { kind: 'dead-letter', reason: 'error' };
  return { kind: 'retry', delayMs: backoff(attempt, error) };
}
