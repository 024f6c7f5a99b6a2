import { randomBytes } from 'node:crypto';
import { open, seal } from './payload-cipher';
import { NONCE_BYTES } from './wire-format';

describe('payload cipher', () => {
  const key = randomBytes(32);
  const aad = Buffer.from('kid|orders.created|job-1');

  it('gives every message its own nonce, across refills of the nonce pool, and each opens', () => {
    const nonces = new Set<string>();
    // 3,000 messages cross the pool's refill (1,024 nonces) twice.
    for (let i = 0; i < 3_000; i++) {
      const plain = Buffer.from(`job ${i}`);
      const sealed = seal(key, plain, aad);
      nonces.add(sealed.subarray(0, NONCE_BYTES).toString('hex'));
      expect(open(key, sealed, aad)?.toString()).toBe(`job ${i}`);
    }
    expect(nonces.size).toBe(3_000);
  });

  it('keeps a sealed message intact when later seals reuse the pool', () => {
    const first = seal(key, Buffer.from('first'), aad);
    const copy = Buffer.from(first);
    for (let i = 0; i < 2_100; i++) seal(key, Buffer.from('filler'), aad);
    expect(first.equals(copy)).toBe(true);
    expect(open(key, first, aad)?.toString()).toBe('first');
  });

  it('opens nothing under another key or other associated data', () => {
    const sealed = seal(key, Buffer.from('secret'), aad);
    expect(open(randomBytes(32), sealed, aad)).toBeUndefined();
    expect(open(key, sealed, Buffer.from('kid|orders.created|job-2'))).toBeUndefined();
  });
});
