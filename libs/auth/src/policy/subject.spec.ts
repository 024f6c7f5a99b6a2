import { nameSyntaxError, subjectCovers, subjectSyntaxError } from './subject';

describe('subjectSyntaxError', () => {
  it.each([
    'orders',
    'orders.created',
    'orders.*',
    'orders.>',
    '*.created',
    '>',
    '$JS.API.CONSUMER.INFO.S.C',
    '_INBOX_a.>',
  ])('accepts %s', (s) => expect(subjectSyntaxError(s)).toBeUndefined());

  it.each([
    ['', 'empty subject'],
    ['orders..created', 'subject "orders..created" has an empty token'],
    ['.orders', 'subject ".orders" has an empty token'],
    ['orders.', 'subject "orders." has an empty token'],
    ['orders.>.created', 'subject "orders.>.created": ">" must be the last token'],
    ['orders.a>', 'subject "orders.a>": ">" must be a whole token'],
    ['orders.a*', 'subject "orders.a*": "*" must be a whole token'],
    ['orders created', 'subject "orders created" contains whitespace'],
    ['orders.\tx', 'subject "orders.\tx" contains whitespace'],
  ])('rejects %j', (s, message) => expect(subjectSyntaxError(s)).toBe(message));

  it('rejects wildcards where only literal subjects make sense', () => {
    expect(subjectSyntaxError('_INBOX.*', { wildcards: false })).toBe(
      'subject "_INBOX.*" may not contain wildcards',
    );
    expect(subjectSyntaxError('_INBOX_x', { wildcards: false })).toBeUndefined();
  });
});

describe('subjectCovers', () => {
  it.each([
    ['orders.>', 'orders.created', true],
    ['orders.>', 'orders.*.eu', true],
    ['orders.>', 'orders.>', true],
    ['orders.>', 'orders', false],
    ['orders.*', 'orders.created', true],
    ['orders.*', 'orders.created.eu', false],
    ['orders.*', 'orders.>', false],
    ['orders.*', 'orders.*', true],
    ['orders.created', 'orders.*', false],
    ['orders.created', 'orders.created', true],
    ['*.created', 'orders.created', true],
    ['>', 'anything.at.all', true],
    ['orders.>', '*.created', false],
  ])('%s covers %s: %s', (pattern, subject, expected) =>
    expect(subjectCovers(pattern, subject)).toBe(expected),
  );
});

describe('nameSyntaxError', () => {
  it('accepts token- and file-safe names', () => {
    expect(nameSyntaxError('account', 'ORDERS_eu-1')).toBeUndefined();
  });

  it.each(['', 'a.b', 'a b', '../x', 'a*', 'x'.repeat(65)])('rejects %j', (name) => {
    expect(nameSyntaxError('stream', name)).toMatch(/^stream name ".*" must be 1-64 characters/);
  });
});
