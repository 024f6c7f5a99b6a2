import { type DeadLetterRecord, type MalformedDeadLetter } from '@jetbus/core';
import { jobIdOf, matchesCriteria, selectsAll, toCriteria } from './dead-letter-criteria';

const record = (over: Partial<DeadLetterRecord> = {}): DeadLetterRecord => ({
  kind: 'dead-letter',
  dlqSeq: 7,
  dlqSubject: 'dlq.orders.created',
  storedAt: new Date('2026-01-01T00:00:10Z'),
  data: new Uint8Array(),
  text: () => '',
  json: <T>() => ({}) as T,
  subject: 'orders.created',
  stream: 'ORDERS',
  seq: 12,
  consumer: 'orders_created',
  attempts: 3,
  reason: 'error',
  errorClass: 'TypeError',
  errorMessage: 'Cannot read qty',
  errorStack: '',
  failedAt: new Date('2026-01-01T00:00:00Z'),
  handler: 'Orders.created',
  originalMsgId: 'order-1',
  payload: { kind: 'inline' },
  completed: false,
  headers: {},
  ...over,
});

const malformed: MalformedDeadLetter = {
  kind: 'malformed',
  dlqSeq: 8,
  dlqSubject: 'dlq.x',
  storedAt: new Date(),
  data: new Uint8Array(),
  text: () => '',
  json: <T>() => ({}) as T,
  problem: 'no Jetbus-Dlq-Subject header',
  headers: {},
};

describe('jobIdOf', () => {
  it('prefers Jetbus-Job-Id, then the original msg id, then <stream>:<seq>, as replay does', () => {
    expect(jobIdOf(record({ headers: { 'Jetbus-Job-Id': ['job-9'] } }))).toBe('job-9');
    expect(jobIdOf(record())).toBe('order-1');
    expect(jobIdOf(record({ originalMsgId: undefined }))).toBe('ORDERS:12');
  });
});

describe('matchesCriteria', () => {
  it.each([
    [{}, true],
    [{ subject: 'orders.*' }, true],
    [{ subject: 'pay.>' }, false],
    [{ error: 'typeerror: cannot' }, true],
    [{ reason: 'decode' as const }, false],
    [{ id: 'order-1' }, true],
    [{ id: 'order-2' }, false],
    [{ msgId: 'order-1' }, true],
    [{ handler: 'Orders.created' }, true],
    [{ handler: 'orders_created' }, true],
    [{ handler: 'Pay.refund' }, false],
    [{ q: 'ORDER-1' }, true],
    [{ q: 'orders.CREATED' }, true],
    [{ q: 'read qty' }, true],
    [{ q: 'nothing like it' }, false],
    [{ since: '2026-01-01T00:00:00Z' }, true],
    [{ until: '2026-01-01T00:00:00Z' }, false],
  ])('%p → %p', (filter, matches) => {
    expect(matchesCriteria(record(), toCriteria(filter))).toBe(matches);
  });

  it('shows a malformed entry only when nothing but "all" is asked', () => {
    expect(matchesCriteria(malformed, toCriteria({}))).toBe(true);
    expect(matchesCriteria(malformed, toCriteria({ q: 'x' }))).toBe(false);
    expect(matchesCriteria(malformed, toCriteria({ subject: 'x' }))).toBe(false);
  });
});

describe('selectsAll', () => {
  it('is true for an empty filter only', () => {
    expect(selectsAll(toCriteria({}))).toBe(true);
    expect(selectsAll(toCriteria(undefined))).toBe(true);
    expect(selectsAll(toCriteria({ q: 'a' }))).toBe(false);
    expect(selectsAll(toCriteria({ reason: 'error' }))).toBe(false);
  });
});
