import { NAK_DELAY_MAX_MS, nakDelay } from './nak-delay';

describe('nakDelay', () => {
  it('keeps a delay the server can take, in whole milliseconds', () => {
    expect(nakDelay(1_000)).toBe(1_000);
    expect(nakDelay(0.2)).toBe(1);
    expect(nakDelay(0)).toBe(0);
    expect(nakDelay(-5)).toBe(0);
    expect(nakDelay(Number.NaN)).toBe(0);
  });

  it('caps what would overflow int64 nanoseconds on the server (a due time in 9999)', () => {
    const year9999 = Date.parse('9999-12-31T00:00:00Z') - Date.now();
    expect(nakDelay(year9999)).toBe(NAK_DELAY_MAX_MS);
    expect(nakDelay(Number.POSITIVE_INFINITY)).toBe(NAK_DELAY_MAX_MS);
    expect(NAK_DELAY_MAX_MS * 1e6).toBeLessThan(2 ** 63);
  });
});
