import { parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    [250, 250],
    ['250ms', 250],
    ['1.5s', 1500],
    ['2m', 120000],
    ['1h', 3600000],
    ['1d', 86400000],
    [' 3s ', 3000],
  ])('parses %p', (input, ms) => expect(parseDuration(input, 'x')).toBe(ms));

  it.each([['-1'], ['1 fortnight'], ['s'], [-5], [NaN]])('rejects %p naming the option', (input) => {
    expect(() => parseDuration(input as string, 'ackWait')).toThrow(/"ackWait"/);
  });
});
