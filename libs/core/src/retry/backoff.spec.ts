import { JetbusConfigError } from '../errors';
import { createBackoff } from './backoff';

const noJitter = () => 0;
const maxJitter = () => 0.999999;

describe('createBackoff', () => {
  describe('when exponential', () => {
    it('doubles from the first delay and caps at maxDelay', () => {
      const f = createBackoff(
        { type: 'exponential', delay: '100ms', maxDelay: '1s', jitter: 0 },
        'b',
        noJitter,
      );
      expect([1, 2, 3, 4, 5, 6].map((a) => f(a, null))).toEqual([100, 200, 400, 800, 1000, 1000]);
    });
    it('only adds jitter, so the schedule is a floor', () => {
      const f = createBackoff({ type: 'exponential', delay: 1000, jitter: 0.5 }, 'b', maxJitter);
      expect(f(1, null)).toBe(1500);
      const g = createBackoff({ type: 'exponential', delay: 1000, jitter: 0.5 }, 'b', noJitter);
      expect(g(1, null)).toBe(1000);
    });
    it('defaults to 1s, factor 2 with 20% jitter', () => {
      const f = createBackoff({ type: 'exponential' }, 'b', maxJitter);
      expect(f(1, null)).toBe(1200);
      expect(f(2, null)).toBe(2400);
    });
    it('rejects a factor below 1 naming the option', () => {
      expect(() => createBackoff({ type: 'exponential', factor: 0.5 }, 'h.backoff')).toThrow(
        /"h.backoff.factor"/,
      );
    });
  });

  describe('when fixed', () => {
    it('waits the same delay each attempt', () => {
      const f = createBackoff({ type: 'fixed', delay: '2s' }, 'b', maxJitter);
      expect([1, 2, 9].map((a) => f(a, null))).toEqual([2000, 2000, 2000]);
    });
  });

  describe('when a list', () => {
    it('uses delays[attempt-1] and repeats the last', () => {
      const f = createBackoff({ type: 'list', delays: [10, '1s', '1m'] });
      expect([1, 2, 3, 4, 10].map((a) => f(a, null))).toEqual([10, 1000, 60000, 60000, 60000]);
    });
    it('rejects an empty list', () => {
      expect(() => createBackoff({ type: 'list', delays: [] }, 'b')).toThrow(JetbusConfigError);
    });
  });

  describe('when a function', () => {
    it('passes attempt and error through', () => {
      const f = createBackoff((attempt, err) => attempt * (err === 'slow' ? 100 : 1));
      expect(f(3, 'slow')).toBe(300);
      expect(f(3, 'fast')).toBe(3);
    });
    it('turns NaN or negative delays into 0 rather than passing them to nak', () => {
      expect(createBackoff(() => NaN)(1, null)).toBe(0);
      expect(createBackoff(() => -5)(1, null)).toBe(0);
    });
  });

  it('rejects an unknown type naming the option', () => {
    expect(() => createBackoff({ type: 'linear' } as never, 'x.backoff')).toThrow(/"x.backoff.type".*linear/);
  });

  it('rejects a malformed duration naming the option', () => {
    expect(() => createBackoff({ type: 'fixed', delay: '5 parsecs' }, 'x.backoff')).toThrow(
      /"x.backoff.delay"/,
    );
  });
});
