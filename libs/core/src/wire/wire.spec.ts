import { DEAD_LETTER_SUBJECT_MAX, deadLetterSubjectTail } from './dead-letter-headers';
import { KV_KEY_TOKEN_MAX, boundedKvKeyPart, kvKeyPart } from './names';

describe('boundedKvKeyPart', () => {
  it('is kvKeyPart for every key a publish accepts (256 characters, escaped)', () => {
    expect(boundedKvKeyPart('orders:42')).toBe('orders=3a42');
    const widest = '\u4e2d'.repeat(256);
    expect(boundedKvKeyPart(widest)).toBe(kvKeyPart(widest));
    expect(kvKeyPart(widest).length).toBe(KV_KEY_TOKEN_MAX);
  });

  it('hashes a longer token, so a key copied from a hostile header fits a protocol line', () => {
    const long = 'j'.repeat(10_000);
    expect(boundedKvKeyPart(long)).toMatch(/^=h[0-9a-f]{64}$/);
    expect(boundedKvKeyPart(long)).toBe(boundedKvKeyPart(long));
    expect(boundedKvKeyPart('$'.repeat(3_000))).not.toBe(boundedKvKeyPart('$'.repeat(3_001)));
    // No escaped token starts with `=h`: `kvKeyPart` writes `=` only before hex digits.
    expect(kvKeyPart('=h')).toBe('=3dh');
  });
});

describe('deadLetterSubjectTail', () => {
  it('is the subject itself up to DEAD_LETTER_SUBJECT_MAX bytes', () => {
    expect(deadLetterSubjectTail('orders.created')).toBe('orders.created');
    const atMax = `a.${'b'.repeat(DEAD_LETTER_SUBJECT_MAX - 2)}`;
    expect(deadLetterSubjectTail(atMax)).toBe(atMax);
  });

  it('replaces long tokens, keeping the token count (a `*` still matches)', () => {
    const tail = deadLetterSubjectTail(`orders.${'x'.repeat(3_000)}.created`);
    expect(tail).toMatch(/^orders\.=h[0-9a-f]{32}\.created$/);
  });

  it('keeps leading tokens and one digest for the rest when short tokens are too many', () => {
    const many = `orders.${Array.from({ length: 1_500 }, (_, i) => `t${i}`).join('.')}`;
    const tail = deadLetterSubjectTail(many);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(DEAD_LETTER_SUBJECT_MAX);
    expect(tail.startsWith('orders.t0.t1.')).toBe(true);
    expect(tail).toMatch(/\.=h[0-9a-f]{32}$/);
    expect(deadLetterSubjectTail(`${many}.x`)).not.toBe(tail);
  });

  it('counts bytes, not characters', () => {
    const wide = `orders.${'é'.repeat(1_500)}`;
    expect(deadLetterSubjectTail(wide)).toMatch(/^orders\.=h[0-9a-f]{32}$/);
  });
});
