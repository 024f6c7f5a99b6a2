import { type JetStreamClient } from '@nats-io/jetstream';
import { JetbusConfigError } from '../errors';
import { type DeadLetterStore } from './dead-letter-store';
import {
  parseReplayOptions,
  REPLAY_DEFAULT_RATE_PER_SECOND,
  REPLAY_DEFAULT_TIMEOUT_MS,
  replayDeadLetters,
} from './replay';

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
    [{ maxPayload: 0 }, 'maxPayload'],
    [{ maxPayload: 1.5 }, 'maxPayload'],
    [{ timeout: 'soon' }, 'timeout'],
  ])('rejects %p naming %s', (options, option) => {
    expect(() => parseReplayOptions(options)).toThrow(JetbusConfigError);
    expect(() => parseReplayOptions(options)).toThrow(`"${option}"`);
  });
});

describe('replayDeadLetters with a replacement payload', () => {
  // Rejected before any request: a store that is never touched stands in for one.
  const untouched = {} as DeadLetterStore;
  const js = {} as JetStreamClient;
  const payload = new TextEncoder().encode('{"fixed":true}');

  it.each([
    [{}, 'got no ids'],
    [{ subject: 'orders.*' }, 'got no ids'],
    [{ ids: [1, 2] }, 'got 2 ids'],
  ])('refuses it for the selection %p (%s)', async (filter, detail) => {
    const replay = replayDeadLetters(untouched, js, filter, { payload });
    await expect(replay).rejects.toThrow(JetbusConfigError);
    await expect(replayDeadLetters(untouched, js, filter, { payload })).rejects.toThrow(
      `"payload": replaces the payload of exactly one dead letter: select it with filter.ids = [dlqSeq], ${detail}`,
    );
  });

  it('refuses anything but bytes', async () => {
    const notBytes = { payload: '{"fixed":true}' as unknown as Uint8Array };
    await expect(replayDeadLetters(untouched, js, { ids: [1] }, notBytes)).rejects.toThrow(
      '"payload": must be a Uint8Array (the bytes to publish)',
    );
  });
});
