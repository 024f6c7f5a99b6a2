import { DecodeError, InvalidPayloadError, NonRetryableError } from '../errors';
import { decideSettlement } from './settlement';

const backoff = (attempt: number) => attempt * 1000;
const base = { attempt: 1, maxAttempts: 3, backoff };

describe('decideSettlement', () => {
  it('acks a success', () => {
    expect(decideSettlement({ ...base, failed: false })).toEqual({ kind: 'ack' });
  });

  it('retries a plain error with the backoff of the failed attempt', () => {
    expect(decideSettlement({ ...base, failed: true, error: new Error('x'), attempt: 2 })).toEqual({
      kind: 'retry',
      delayMs: 2000,
    });
  });

  it('dead-letters with reason error once the last attempt failed', () => {
    expect(decideSettlement({ ...base, failed: true, error: new Error('x'), attempt: 3 })).toEqual({
      kind: 'dead-letter',
      reason: 'error',
    });
  });

  it('counts a thrown non-Error value as a failure', () => {
    expect(decideSettlement({ ...base, failed: true, error: undefined })).toEqual({
      kind: 'retry',
      delayMs: 1000,
    });
  });

  describe('when the error must not be retried', () => {
    it.each([
      ['NonRetryableError', new NonRetryableError('no'), 'error'],
      [
        'a NonRetryableError from another copy of jetbus',
        Object.assign(new Error('no'), { name: 'NonRetryableError' }),
        'error',
      ],
      ['InvalidPayloadError', new InvalidPayloadError('s', 'Dto', []), 'validation'],
      ['DecodeError', new DecodeError('s', 'bad json'), 'decode'],
    ])('dead-letters %s on the first attempt', (_, error, reason) => {
      expect(decideSettlement({ ...base, failed: true, error })).toEqual({ kind: 'dead-letter', reason });
    });
  });
});
