import { JetbusConfigError } from '../errors';
import { deriveDurableName } from './durable-name';
import { resolveJobHandlerOptions } from './resolve-job-handler-options';

const resolve = (options: object, defaults: object = {}, subject = 'orders.created') =>
  resolveJobHandlerOptions(subject, 'orders', options, defaults, 'OrderJobs.reserve');

describe('resolveJobHandlerOptions', () => {
  it('fills documented defaults', () => {
    expect(resolve({})).toMatchObject({
      durable: 'orders_orders-created',
      concurrency: 8,
      prefetch: 8,
      maxAttempts: 5,
      crashLimit: 2,
      maxInFlight: 1000,
      ackWaitMs: 30000,
      idempotency: undefined,
      validate: true,
      confirmAck: false,
      timeoutMs: undefined,
    });
  });

  it('lets handler options override module defaults', () => {
    expect(resolve({ concurrency: 2 }, { concurrency: 4, maxAttempts: 9 })).toMatchObject({
      concurrency: 2,
      prefetch: 2,
      maxAttempts: 9,
    });
  });

  it('accepts unlimited attempts', () => {
    expect(resolve({ maxAttempts: Infinity }).maxAttempts).toBe(Infinity);
  });

  it('resolves idempotency with a 24 h default TTL', () => {
    expect(resolve({ idempotency: {} }).idempotency).toEqual({ key: undefined, ttlMs: 86_400_000 });
    expect(resolve({ idempotency: { key: 'X-Order-Id', ttl: '1h' } }).idempotency).toEqual({
      key: 'X-Order-Id',
      ttlMs: 3_600_000,
    });
  });

  it.each([
    [{ concurrency: -1 }, 'OrderJobs.reserve.concurrency'],
    [{ crashLimit: -1 }, 'OrderJobs.reserve.crashLimit'],
    [{ crashLimit: 1.5 }, 'OrderJobs.reserve.crashLimit'],
    [{ idempotency: true }, 'OrderJobs.reserve.idempotency'],
    [{ idempotency: { key: 'has space' } }, 'OrderJobs.reserve.idempotency.key'],
    [{ idempotency: { ttl: '10ms' } }, 'OrderJobs.reserve.idempotency.ttl'],
    [{ concurrency: 1.5 }, 'OrderJobs.reserve.concurrency'],
    [{ maxAttempts: 0 }, 'OrderJobs.reserve.maxAttempts'],
    [{ prefetch: 0 }, 'OrderJobs.reserve.prefetch'],
    [{ ackWait: '10ms' }, 'OrderJobs.reserve.ackWait'],
    [{ ackWait: 'soon' }, 'OrderJobs.reserve.ackWait'],
    [{ timeout: 'later' }, 'OrderJobs.reserve.timeout'],
    [{ durable: 'has.dot' }, 'OrderJobs.reserve.durable'],
    [{ backoff: { type: 'fixed', delay: 'x' } }, 'OrderJobs.reserve.backoff.delay'],
    [{ deadLetter: { stream: 'A.B', subjectPrefix: 'dlq' } }, 'OrderJobs.reserve.deadLetter.stream'],
    [{ deadLetter: { stream: 'DLQ', subjectPrefix: 'dlq.>' } }, 'OrderJobs.reserve.deadLetter.subjectPrefix'],
  ])('rejects %p naming %s', (options, option) => {
    const err = (() => {
      try {
        resolve(options);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(JetbusConfigError);
    expect((err as JetbusConfigError).option).toBe(option);
  });

  it('rejects a malformed subject', () => {
    expect(() => resolve({}, {}, 'orders..created')).toThrow(/subject/);
  });
});

describe('deriveDurableName', () => {
  it('replaces characters consumer names may not hold', () => {
    expect(deriveDurableName('billing', 'orders.*.created')).toBe('billing_orders-any-created');
    expect(deriveDurableName('billing', 'orders.>')).toBe('billing_orders-all');
  });
});
