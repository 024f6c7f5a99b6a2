import { parseExpiry } from './expiry';

describe('parseExpiry', () => {
  const now = new Date('2030-06-01T12:00:00Z');

  it.each([
    ['90m', '2030-06-01T13:30:00.000Z'],
    ['12h', '2030-06-02T00:00:00.000Z'],
    ['30d', '2030-07-01T12:00:00.000Z'],
    ['2w', '2030-06-15T12:00:00.000Z'],
    ['2031-01-01T00:00:00Z', '2031-01-01T00:00:00.000Z'],
    ['2031-01-01', '2031-01-01T00:00:00.000Z'],
  ])('accepts %s', (value, iso) => {
    expect(parseExpiry(value, now).toISOString()).toBe(iso);
  });

  it.each(['2020-01-01T00:00:00Z', '2030-06-01T12:00:00Z', '0m'])(
    'refuses %s: not in the future',
    (value) => {
      expect(() => parseExpiry(value, now)).toThrow(
        /not in the future: the creds would be expired when issued/,
      );
    },
  );

  it.each([
    'tomorrow',
    '30',
    '30y',
    '-5d',
    '1e3d',
    '',
    '2031-13-45T99:00:00Z',
    '2031-02-31T00:00:00Z',
    '2032-02-30',
    'March 7',
  ])('refuses %j with the option name and the accepted forms', (value) => {
    expect(() => parseExpiry(value, now, '--expires')).toThrow(
      expect.objectContaining({ code: 'AUTH_INVALID_OPTION', option: '--expires' }),
    );
  });
});
