import {
  CleartextRefusedError,
  DecodeError,
  DecryptError,
  InvalidPayloadError,
  NonRetryableError,
} from '../errors';
import { type DeadLetterReason } from './dead-letter-reason';

function hasName(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}

/**
 * The dead-letter reason for an error that must not be retried, or `undefined` for a retryable one.
 * Names count as well as classes: a second copy of jetbus in node_modules must not make a
 * NonRetryableError retryable.
 */
export function nonRetryableReason(error: unknown): DeadLetterReason | undefined {
  if (error instanceof InvalidPayloadError || hasName(error, 'InvalidPayloadError')) return 'validation';
  if (error instanceof DecodeError || hasName(error, 'DecodeError')) return 'decode';
  // A missing key or a tampered payload stays so until an operator acts: dead-letter, keep the ciphertext.
  if (error instanceof DecryptError || hasName(error, 'DecryptError')) return 'decrypt';
  if (error instanceof CleartextRefusedError || hasName(error, 'CleartextRefusedError')) return 'decrypt';
  if (error instanceof NonRetryableError || hasName(error, 'NonRetryableError')) return 'error';
  return undefined;
}
