import { JetbusConfigError } from '../errors';
import { resolveUnique } from './unique-options';

const optionOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    if (e instanceof JetbusConfigError) return e.option;
    throw e;
  }
  return undefined;
};

describe('resolveUnique', () => {
  it('reads key, for (as ms) and until (expired by default)', () => {
    expect(resolveUnique({ key: 'k', for: '2m' })).toEqual({ key: 'k', forMs: 120_000, until: 'expired' });
    expect(resolveUnique({ key: 'k k:1', for: 5, until: 'completed' })).toEqual({
      key: 'k k:1',
      forMs: 5,
      until: 'completed',
    });
  });

  it.each([
    ['not an object', 'k', 'unique'],
    ['no key', { for: '1s' }, 'unique.key'],
    ['empty key', { key: '', for: '1s' }, 'unique.key'],
    ['key too long', { key: 'x'.repeat(257), for: '1s' }, 'unique.key'],
    ['number key', { key: 7, for: '1s' }, 'unique.key'],
    ['key with a newline', { key: 'a\nb', for: '1s' }, 'unique.key'],
    ['no for', { key: 'k' }, 'unique.for'],
    ['for 0', { key: 'k', for: 0 }, 'unique.for'],
    ['for word', { key: 'k', for: 'soon' }, 'unique.for'],
    ['bad until', { key: 'k', for: 1, until: 'done' }, 'unique.until'],
    ['typo', { key: 'k', for: 1, unitl: 'completed' }, 'unique.unitl'],
  ])('%s fails naming the option', (_what, value, option) => {
    expect(optionOf(() => resolveUnique(value))).toBe(option);
  });
});
