import { type ConsumerInfo } from '@nats-io/jetstream';
import {
  type ConsumerSnapshot,
  consumerSnapshot,
  consumerView,
  ownersOf,
  sameConsumer,
  untrustedFloor,
} from './consumer-ownership';

const info = (config: Partial<ConsumerInfo['config']>, floor = 10, delivered = 12): ConsumerInfo =>
  ({
    stream_name: 'ORDERS',
    name: config.durable_name ?? 'c',
    created: '2026-11-30T04:00:00Z',
    config: { ack_policy: 'explicit', ...config },
    delivered: { consumer_seq: delivered, stream_seq: delivered, last_active: 0 },
    ack_floor: { consumer_seq: floor, stream_seq: floor, last_active: 0 },
    num_ack_pending: 2,
    num_redelivered: 0,
    num_waiting: 0,
    num_pending: 5,
    push_bound: false,
  }) as unknown as ConsumerInfo;

const snap = (
  name: string,
  filters: string[],
  overrides: Partial<ConsumerSnapshot> = {},
): ConsumerSnapshot => ({
  name,
  created: 't1',
  filterSubjects: filters,
  ackFloor: 10,
  delivered: 12,
  maxDeliver: -1,
  deliverPolicy: 'all',
  numPending: 0,
  numAckPending: 0,
  ...overrides,
});

describe('consumerSnapshot', () => {
  it('reads the stream sequences of the ack floor and of the last delivery', () => {
    expect(
      consumerSnapshot(info({ durable_name: 'w', filter_subject: 'orders.created', max_deliver: 5 })),
    ).toEqual({
      name: 'w',
      created: '2026-11-30T04:00:00Z',
      filterSubjects: ['orders.created'],
      ackFloor: 10,
      delivered: 12,
      maxDeliver: 5,
      deliverPolicy: 'all',
      numPending: 5,
      numAckPending: 2,
    });
  });
  it('when several filter subjects are set (2.10+): all of them', () => {
    expect(consumerSnapshot(info({ filter_subjects: ['a.*', 'b.>'] })).filterSubjects).toEqual([
      'a.*',
      'b.>',
    ]);
  });
  it('when no filter (or an empty one) is set: none, and max_deliver unlimited', () => {
    const s = consumerSnapshot(info({ filter_subject: '' }));
    expect(s).toMatchObject({ filterSubjects: [], maxDeliver: -1 });
  });
});

describe('ownersOf', () => {
  const consumers = [
    snap('created', ['orders.created']),
    snap('other', ['orders.*.eu']),
    snap('all', ['billing.>']),
  ];
  it('finds the one consumer whose filter matches, with wildcards', () => {
    expect(ownersOf('orders.created', consumers).map((c) => c.name)).toEqual(['created']);
    expect(ownersOf('orders.paid.eu', consumers).map((c) => c.name)).toEqual(['other']);
    expect(ownersOf('billing.invoice.sent', consumers).map((c) => c.name)).toEqual(['all']);
  });
  it('when no filter matches: nobody (the message is waiting for a consumer)', () => {
    expect(ownersOf('orders.paid', consumers)).toEqual([]);
  });
  it('when a consumer has no filter: it takes every subject', () => {
    expect(ownersOf('anything.at.all', [snap('only', [])]).map((c) => c.name)).toEqual(['only']);
  });
  it('when filters overlap (a work queue forbids it): every one of them, so the caller sees two', () => {
    expect(ownersOf('orders.created', [...consumers, snap('greedy', ['orders.>'])])).toHaveLength(2);
  });
});

describe('sameConsumer', () => {
  it('is the same instance only with the same created time and filters', () => {
    const a = snap('w', ['orders.created']);
    expect(sameConsumer(a, { ...a, ackFloor: 99 })).toBe(true);
    expect(sameConsumer(a, { ...a, created: 't2' })).toBe(false);
    expect(sameConsumer(a, { ...a, filterSubjects: ['orders.>'] })).toBe(false);
    expect(sameConsumer(a, { ...a, filterSubjects: [] })).toBe(false);
  });
});

describe('untrustedFloor', () => {
  it('trusts a floor at or below the last delivered sequence', () => {
    expect(untrustedFloor(snap('w', [], { ackFloor: 12, delivered: 12 }))).toBeUndefined();
  });
  it('when the floor is above the last delivery: says why, and the view carries it', () => {
    const c = snap('w', [], { ackFloor: 13, delivered: 12 });
    expect(untrustedFloor(c)).toBe('ack floor 13 is above the last delivered sequence 12');
    expect(consumerView(c, untrustedFloor(c))).toMatchObject({ name: 'w', skipped: expect.any(String) });
    expect(consumerView(snap('w', []))).not.toHaveProperty('skipped');
  });
  it('when the consumer did not start at the first message: says why', () => {
    expect(untrustedFloor(snap('w', [], { deliverPolicy: 'new' }))).toBe(
      'deliver policy new: its ack floor does not cover messages before its start',
    );
  });
});
