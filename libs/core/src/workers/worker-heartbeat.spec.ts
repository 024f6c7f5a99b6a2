import { type WorkerHeartbeat, parseWorkerHeartbeat } from './worker-heartbeat';
import { workerKey } from './workers-bucket';

const handler = {
  handler: 'OrderJobs.reserve',
  subject: 'orders.created',
  stream: 'ORDERS',
  durable: 'orders_orders-created',
  concurrency: 4,
  inFlight: 1,
  processed: 10,
  failed: 3,
  retried: 2,
  deadLettered: 1,
};
const valid: WorkerHeartbeat = {
  id: 'orders.host.42.0a1b2c3d',
  name: 'orders',
  user: 'orders',
  host: 'host',
  pid: 42,
  version: '0.1.0',
  startedAt: '2026-11-30T07:00:00.000Z',
  at: '2026-11-30T07:00:05.000Z',
  handlers: [handler],
};

describe('parseWorkerHeartbeat', () => {
  it('reads a heartbeat, dropping fields it does not know', () => {
    const extra = { ...valid, colour: 'blue', handlers: [{ ...handler, note: 'x' }] };
    expect(parseWorkerHeartbeat(JSON.parse(JSON.stringify(extra)))).toEqual(valid);
  });

  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['an array', [valid]],
    ['no id', { ...valid, id: undefined }],
    ['a numeric user', { ...valid, user: 7 }],
    ['a negative pid', { ...valid, pid: -1 }],
    ['a fractional pid', { ...valid, pid: 1.5 }],
    ['a time that is not one', { ...valid, at: 'yesterday' }],
    ['handlers not an array', { ...valid, handlers: {} }],
    ['a handler without a durable', { ...valid, handlers: [{ ...handler, durable: undefined }] }],
    ['a negative count', { ...valid, handlers: [{ ...handler, processed: -1 }] }],
    ['a count as text', { ...valid, handlers: [{ ...handler, inFlight: '1' }] }],
    ['a handler that is null', { ...valid, handlers: [null] }],
  ])('rejects %s', (_, value) => {
    expect(parseWorkerHeartbeat(value)).toBeUndefined();
  });
});

describe('workerKey', () => {
  it('joins user, host, pid and the random part, each escaped to the KV key alphabet', () => {
    expect(workerKey({ user: 'orders', host: 'web-1.example.com', pid: 42, random: 'ab12' })).toBe(
      'orders.web-1=2eexample=2ecom.42.ab12',
    );
  });

  it('names a process without creds anon', () => {
    expect(workerKey({ user: undefined, host: 'h', pid: 1, random: 'ff' })).toBe('anon.h.1.ff');
  });

  it('keeps the user one token, so permissions can narrow a user to its own keys', () => {
    expect(workerKey({ user: 'a.b >', host: 'h', pid: 1, random: 'ff' }).split('.')[0]).toBe('a=2eb=20=3e');
  });
});
