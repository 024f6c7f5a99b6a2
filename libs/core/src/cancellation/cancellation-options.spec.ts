import { JetbusConfigError } from '../errors';
import { checkCancellableJobId } from './cancel-job';
import { CANCELLATION_TTL_MS } from './cancellation-store';
import { CANCELLATION_MAX_IN_MEMORY, resolveCancellation } from './cancellation-options';

describe('resolveCancellation', () => {
  it('is off by default, on with {} or true, with a ttl of at least 1s', () => {
    expect(resolveCancellation(undefined)).toBe(false);
    expect(resolveCancellation(false)).toBe(false);
    const defaults = { ttlMs: CANCELLATION_TTL_MS, maxInMemory: CANCELLATION_MAX_IN_MEMORY };
    expect(resolveCancellation(true)).toEqual(defaults);
    expect(resolveCancellation({})).toEqual(defaults);
    expect(resolveCancellation({ ttl: '1h' })).toEqual({ ...defaults, ttlMs: 3_600_000 });
    expect(resolveCancellation({ maxInMemory: 1 })).toEqual({ ...defaults, maxInMemory: 1 });
  });

  it.each([
    [{ ttl: '500ms' }, 'cancellation.ttl'],
    [{ ttl: 'never' }, 'cancellation.ttl'],
    [{ maxInMemory: 0 }, 'cancellation.maxInMemory'],
    [{ maxInMemory: 1.5 }, 'cancellation.maxInMemory'],
    [{ maxInMemory: '10' }, 'cancellation.maxInMemory'],
    [{ tll: '1h' }, 'cancellation.tll'],
    ['yes', 'cancellation'],
  ])('%p fails naming %s', (value, option) => {
    expect(() => resolveCancellation(value)).toThrow(JetbusConfigError);
    try {
      resolveCancellation(value);
    } catch (e) {
      expect((e as JetbusConfigError).option).toBe(option);
    }
  });
});

describe('checkCancellableJobId', () => {
  it.each(['job-1', 'A_b-9', 'x'.repeat(128), 'ORDERS:42', 'my-stream_2:1'])('takes %s', (id) => {
    expect(() => checkCancellableJobId(id)).not.toThrow();
  });
  it.each(['', 'a.b', 'a b', 'x'.repeat(129), 'ORDERS:0', 'ORDERS:-1', ':5', 'a:b', 7, undefined])(
    'refuses %p with a JetbusConfigError naming jobId',
    (id) => {
      expect(() => checkCancellableJobId(id)).toThrow(expect.objectContaining({ option: 'jobId' }));
    },
  );
});
