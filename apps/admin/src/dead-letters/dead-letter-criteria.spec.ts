import { type StoredMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  DeadLetterHeaders as H,
  type DeadLetterRecord,
  type MalformedDeadLetter,
  parseDeadLetter,
} from '@jetbus/core';
import { jobIdOf, matchesCriteria, mayMatchHeaders, selectsAll, toCriteria } from './dead-letter-criteria';

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

describe('mayMatchHeaders', () => {
  /** A DLQ message as the sink writes it, parsed by core, and its raw headers. */
  function stored(values: Record<string, string>) {
    const h = natsHeaders();
    for (const [k, v] of Object.entries(values)) h.set(k, v);
    const msg = {
      subject: 'dlq.orders.created',
      seq: 1,
      header: h,
      data: new Uint8Array(),
      time: new Date(),
    };
    return { h, entry: parseDeadLetter(msg as unknown as StoredMsg, 'dlq') };
  }
  const full = {
    [H.Subject]: 'orders.created',
    [H.Stream]: 'ORDERS',
    [H.Seq]: '12',
    [H.ErrorClass]: 'TypeError',
    [H.ErrorMessage]: 'Cannot read qty',
    [H.OriginalMsgId]: 'order-1',
  };

  it.each([
    ['all headers', full],
    ['a job id header', { ...full, 'Jetbus-Job-Id': 'job-9' }],
    ['no msg id', { ...full, [H.OriginalMsgId]: '' }],
    ['no subject (malformed)', { [H.ErrorMessage]: 'Cannot read qty' }],
  ])('never rejects what core would match (%s)', (_name, values) => {
    const { h, entry } = stored(values);
    for (const filter of [
      { error: 'typeerror: cannot' },
      { error: 'nope' },
      { q: 'ORDER-1' },
      { q: 'job-9' },
      { q: 'orders:12' },
      { q: 'orders.created' },
      { q: 'read qty' },
      { q: 'zzz' },
      { id: 'order-1' },
      { id: 'job-9' },
      { id: 'ORDERS:12' },
      { msgId: 'order-1' },
    ]) {
      const criteria = toCriteria(filter);
      if (matchesCriteria(entry, criteria))
        expect([filter, mayMatchHeaders(h, criteria)]).toEqual([filter, true]);
    }
  });

  it('rejects on the raw error text, and lets every entry through when no text is asked', () => {
    const { h } = stored(full);
    expect(mayMatchHeaders(h, toCriteria({ error: 'ledger' }))).toBe(false);
    expect(mayMatchHeaders(h, toCriteria({ q: 'ledger' }))).toBe(false);
    expect(mayMatchHeaders(undefined, toCriteria({ subject: 'x' }))).toBe(true);
  });
});
