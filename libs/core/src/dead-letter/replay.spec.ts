import { JetbusConfigError } from '../errors';
import { parseReplayOptions, REPLAY_DEFAULT_RATE_PER_SECOND, REPLAY_DEFAULT_TIMEOUT_MS } from './replay';

describe('parseReplayOptions', () => {
  it('applies the defaults', () => {
    expect(parseReplayOptions()).toEqual({
      ratePerSecond: REPLAY_DEFAULT_RATE_PER_SECOND,
      dryRun: false,
      timeoutMs: REPLAY_DEFAULT_TIMEOUT_MS,
    });
    expect(REPLAY_DEFAULT_RATE_PER_SECOND).toBe(100);
  });

  it('reads durations', () => {
    expect(parseReplayOptions({ ratePerSecond: 0.5, dryRun: true, timeout: '2s' })).toEqual({
      ratePerSecond: 0.5,
      dryRun: true,
      timeoutMs: 2000,
    });
  });

  it.each([
    [{ ratePerSecond: 0 }, 'ratePerSecond'],
    [{ ratePerSecond: -1 }, 'ratePerSecond'],
    [{ ratePerSecond: Number.POSITIVE_INFINITY }, 'ratePerSecond'],
    [{ ratePerSecond: Number.NaN }, 'ratePerSecond'],
    [{ timeout: 0 }, 'timeout'],
    [{ timeout: 'soon' }, 'timeout'],
  ])('rejects %p naming %s', (options, option) => {
    expect(() => parseReplayOptions(options)).toThrow(JetbusConfigError);
    expect(() => parseReplayOptions(options)).toThrow(`"${option}"`);
  });
});
