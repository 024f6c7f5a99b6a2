import { type StreamRepairReport } from '@jetbus/core';
import { formatRepairReport } from './repair-command';

const report = (overrides: Partial<StreamRepairReport> = {}): StreamRepairReport => ({
  stream: 'ORDERS',
  dryRun: false,
  aborted: false,
  messages: 9,
  firstSeq: 3,
  lastSeq: 40,
  consumers: [
    {
      name: 'orders_orders-created',
      filterSubjects: ['orders.created'],
      ackFloor: 30,
      delivered: 32,
      maxDeliver: 5,
      numPending: 4,
      numAckPending: 2,
    },
    {
      name: 'legacy',
      filterSubjects: [],
      ackFloor: 9,
      delivered: 8,
      maxDeliver: -1,
      numPending: 0,
      numAckPending: 0,
      skipped: 'ack floor 9 is above the last delivered sequence 8',
    },
  ],
  removed: [
    { seq: 3, subject: 'orders.created', consumer: 'orders_orders-created' },
    { seq: 17, subject: 'orders.created', consumer: 'orders_orders-created' },
  ],
  left: [{ seq: 5, subject: 'orders.created', consumer: 'orders_orders-created', reason: 'max-delivered' }],
  alreadyDeleted: [],
  ...overrides,
});

describe('formatRepairReport', () => {
  it('a summary, the consumers with their floors, then every message touched in sequence order', () => {
    expect(formatRepairReport(report())).toEqual([
      'ORDERS: removed 2 stranded messages, left 1 not provably acked',
      '',
      'CONSUMER               FILTER          ACK FLOOR  DELIVERED  PENDING  ACK PENDING  NOTE',
      'orders_orders-created  orders.created  30         32         4        2',
      'legacy                 (all)           9          8          0        0            not trusted: ack floor 9 is above the last delivered sequence 8',
      '',
      'SEQ  SUBJECT         CONSUMER               ACTION',
      '3    orders.created  orders_orders-created  removed',
      '5    orders.created  orders_orders-created  left: max-delivered',
      '17   orders.created  orders_orders-created  removed',
    ]);
  });
  it('when a dry run: says so, and "would remove"', () => {
    const lines = formatRepairReport(report({ dryRun: true }));
    expect(lines[0]).toBe(
      'ORDERS: would remove 2 stranded messages, left 1 not provably acked (dry run: nothing deleted)',
    );
    expect(lines.at(-1)).toBe('17   orders.created  orders_orders-created  would remove');
  });
  it('when interrupted, or messages vanished meanwhile: says so', () => {
    const [summary] = formatRepairReport(
      report({ aborted: true, removed: [report().removed[0]], left: [], alreadyDeleted: [4] }),
    );
    expect(summary).toBe(
      'ORDERS: removed 1 stranded message, left 0 not provably acked, 1 already deleted (interrupted: run it again to finish)',
    );
  });
  it('when nothing was stranded: no message table', () => {
    expect(formatRepairReport(report({ removed: [], left: [] }))).toHaveLength(5);
  });
});
