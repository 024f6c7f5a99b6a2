import { JetbusConfigError } from '../errors';
import { checkCancellableJobId } from './cancel-job';
import { CANCELLATION_TTL_MS } from './cancellation-store';
import { resolveCancellation } from './cancellation-options';

describe('resolveCancellation', () => {
  it('is off by default, on with {} or true, with a ttl of at least 1s', () => {
    expect(resolveCancellation(undefined)).toBe(false);
    expect(resolveCancellation(false)).toBe(false);
    expect(resolveCancellation(true)).toEqual({ ttlMs: CANCELLATION_TTL_MS });
    expect(resolveCancellation({})).toEqual({ ttlMs: CANCELLATION_TTL_MS });
    expect(resolveCancellation({ ttl: '1h' })).toEqual({ ttlMs: 3_600_000 });
  });

  it.each([
    [{ ttl: '500ms' }, 'cancellation.ttl'],
    [{ ttl: 'never' }, 'cancellation.ttl'],
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
