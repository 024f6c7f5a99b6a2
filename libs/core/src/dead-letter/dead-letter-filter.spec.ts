import { JetbusConfigError } from '../errors';
import {
  type DeadLetterFilter,
  hasDeadLetterCriteria,
  matchesDeadLetterFilter,
  parseDeadLetterFilter,
  subjectMatches,
} from './dead-letter-filter';
import { type DeadLetterEntry, type DeadLetterRecord, type MalformedDeadLetter } from './dead-letter-record';

const common = {
  dlqSubject: 'dlq.orders.created',
  storedAt: new Date('2026-01-02T03:04:06.000Z'),
  data: new Uint8Array(),
  text: () => '',
  json: <T>() => ({}) as T,
};

function record(dlqSeq: number): DeadLetterRecord {
  return {
    ...common,
    kind: 'dead-letter',
    dlqSeq,
    subject: 'orders.created',
    payload: { kind: 'inline' },
    completed: false,
    stream: 'ORDERS',
    seq: 42,
    consumer: 'orders_orders-created',
    attempts: 5,
    reason: 'error',
    errorClass: 'TypeError',
    errorMessage: 'gateway down',
    errorStack: '',
    failedAt: new Date('2026-01-02T03:04:05.000Z'),
    headers: {},
  };
}

function malformed(dlqSeq: number): MalformedDeadLetter {
  return { ...common, kind: 'malformed', dlqSeq, problem: 'no subject', headers: {} };
}

const matches = (e: DeadLetterEntry, filter: DeadLetterFilter) =>
  matchesDeadLetterFilter(e, parseDeadLetterFilter(filter));

describe('subjectMatches', () => {
  it.each([
    ['orders.created', 'orders.created', true],
    ['orders.created', 'orders.created.eu', false],
    ['orders.*', 'orders.created', true],
    ['orders.*', 'orders.created.eu', false],
    ['orders.*', 'orders', false],
    ['orders.>', 'orders.created.eu', true],
    ['orders.>', 'orders', false],
    ['*.created', 'orders.created', true],
    ['*.created', 'orders.updated', false],
    ['>', 'anything.at.all', true],
    ['orders.*.eu', 'orders.created.eu', true],
    ['orders.*.eu', 'orders.created.us', false],
  ])('%s matches %s: %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});

describe('parseDeadLetterFilter', () => {
  it('sorts ids and drops repeats', () => {
    expect(parseDeadLetterFilter({ ids: [5, 2, 5, 9] })).toEqual({ ids: [2, 5, 9] });
  });

  it('accepts an empty filter', () => {
    expect(parseDeadLetterFilter()).toEqual({});
  });

  it.each<[DeadLetterFilter, string]>([
    [{ ids: [1, 0] }, 'filter.ids[1]'],
    [{ ids: [1.5] }, 'filter.ids[0]'],
    [{ subject: '' }, 'filter.subject'],
    [{ subject: 'orders.>.eu' }, 'filter.subject'],
    [{ subject: 'orders..x' }, 'filter.subject'],
    [{ subject: 'orders.a*' }, 'filter.subject'],
    [{ consumer: '' }, 'filter.consumer'],
    [{ reason: 'timeout' as never }, 'filter.reason'],
    [{ error: '' }, 'filter.error'],
    [{ since: new Date('nope') }, 'filter.since'],
    [{ until: '2024-01-01' as never }, 'filter.until'],
    [{ limit: 0 }, 'filter.limit'],
    [{ limit: 2.5 }, 'filter.limit'],
  ])('rejects %p naming %s', (filter, option) => {
    expect(() => parseDeadLetterFilter(filter)).toThrow(JetbusConfigError);
    expect(() => parseDeadLetterFilter(filter)).toThrow(`"${option}"`);
  });
});

describe('hasDeadLetterCriteria', () => {
  it('is false for no filter or a limit alone', () => {
    expect(hasDeadLetterCriteria({})).toBe(false);
    expect(hasDeadLetterCriteria({ limit: 3 })).toBe(false);
  });

  it('is true for ids or any field criterion', () => {
    expect(hasDeadLetterCriteria({ ids: [1] })).toBe(true);
    expect(hasDeadLetterCriteria({ since: new Date() })).toBe(true);
    expect(hasDeadLetterCriteria({ error: 'x' })).toBe(true);
  });
});

describe('matchesDeadLetterFilter', () => {
  const e = record(7);

  it('matches everything with an empty filter', () => {
    expect(matches(e, {})).toBe(true);
  });

  it('matches by id', () => {
    expect(matches(e, { ids: [3, 7] })).toBe(true);
    expect(matches(e, { ids: [3, 8] })).toBe(false);
  });

  it('matches the original subject exactly or by wildcard, never the DLQ subject', () => {
    expect(matches(e, { subject: 'orders.created' })).toBe(true);
    expect(matches(e, { subject: 'orders.*' })).toBe(true);
    expect(matches(e, { subject: 'orders.>' })).toBe(true);
    expect(matches(e, { subject: 'orders.updated' })).toBe(false);
    expect(matches(e, { subject: 'dlq.orders.created' })).toBe(false);
  });

  it('matches consumer and reason exactly', () => {
    expect(matches(e, { consumer: 'orders_orders-created' })).toBe(true);
    expect(matches(e, { consumer: 'orders' })).toBe(false);
    expect(matches(e, { reason: 'error' })).toBe(true);
    expect(matches(e, { reason: 'decode' })).toBe(false);
  });

  it('finds error text in the class or the message, ignoring case', () => {
    expect(matches(e, { error: 'typeerror' })).toBe(true);
    expect(matches(e, { error: 'GATEWAY' })).toBe(true);
    expect(matches(e, { error: 'TypeError: gateway down' })).toBe(true);
    expect(matches(e, { error: 'timeout' })).toBe(false);
  });

  it('takes since as inclusive and until as exclusive, on failedAt', () => {
    const failedAt = new Date('2026-01-02T03:04:05.000Z');
    const before = new Date(failedAt.getTime() - 1);
    const after = new Date(failedAt.getTime() + 1);
    expect(matches(e, { since: failedAt })).toBe(true);
    expect(matches(e, { since: after })).toBe(false);
    expect(matches(e, { until: after })).toBe(true);
    expect(matches(e, { until: failedAt })).toBe(false);
    expect(matches(e, { since: before, until: after })).toBe(true);
  });

  it('requires every criterion', () => {
    expect(matches(e, { subject: 'orders.*', reason: 'error', error: 'gateway' })).toBe(true);
    expect(matches(e, { subject: 'orders.*', reason: 'decode', error: 'gateway' })).toBe(false);
  });

  describe('when the entry is malformed', () => {
    const bad = malformed(4);

    it('matches no filter, or ids that name it', () => {
      expect(matches(bad, {})).toBe(true);
      expect(matches(bad, { ids: [4] })).toBe(true);
      expect(matches(bad, { limit: 1 })).toBe(true);
    });

    it('never matches a criterion on a field it does not have', () => {
      expect(matches(bad, { subject: '>' })).toBe(false);
      expect(matches(bad, { ids: [4], reason: 'error' })).toBe(false);
      expect(matches(bad, { since: new Date(0) })).toBe(false);
    });
  });
});
