import { checkOptions, integerOption, optionNames, optionPath, shown } from '../config';
import { JetbusConfigError } from '../errors';
import { type Duration, parseDuration } from '../retry/duration';

/**
 * `rateLimit` of a `@JobHandler` (or `handlerDefaults`): at most `max` handler starts in any window
 * of length `per`, across every instance of the service, per `key` when one is given. A job over the
 * limit waits for its slot; it is never failed and the wait is never counted as an attempt.
 */
export interface RateLimitOptions {
  /** Handler starts allowed in any window of length `per`; 1 to 10,000. */
  max: number;
  /** The window, from 100ms to 24h (e.g. `'1s'`, `'1m'`, `60_000`). */
  per: Duration;
  /**
   * One limit per value of a header (its name) or of a function of the validated payload (per
   * tenant, per customer). Jobs without a key (header absent, function returns `undefined` or `''`)
   * share one limit. @default one limit for the whole handler
   */
  key?: string | ((payload: unknown) => string | undefined);
}

export interface ResolvedRateLimit {
  max: number;
  perMs: number;
  /**
   * Extra spacing between admissions, covering the moment between an admission and its handler's
   * first statement, so that even start times recorded by handlers never show more than `max`
   * in a window of `per`: min(50ms, per / 10).
   */
  guardMs: number;
  key: string | ((payload: unknown) => string | undefined) | undefined;
}

/** Each admission rewrites the key's log (up to `max` times): the bound keeps an entry small. */
export const RATE_LIMIT_MAX = 10_000;
const PER_MIN_MS = 100;
/** The bucket's entries outlive the longest window by an hour (see `RATE_LIMIT_TTL_MS`). */
export const RATE_LIMIT_PER_MAX_MS = 24 * 3600_000;
const GUARD_MAX_MS = 50;

const RATE_LIMIT_OPTIONS = optionNames<RateLimitOptions>({ max: true, per: true, key: true });

/** The one validation of a `rateLimit` option; `path` names the handler (or `handlerDefaults`). */
export function parseRateLimit(value: unknown, path: string): ResolvedRateLimit | undefined {
  if (value === undefined) return undefined;
  const o = checkOptions(value, path, RATE_LIMIT_OPTIONS, 'an object: { max, per, key? }');
  if (o.max === undefined) throw new JetbusConfigError(optionPath(path, 'max'), 'is required');
  const max = integerOption(
    o.max,
    optionPath(path, 'max'),
    `an integer from 1 to ${RATE_LIMIT_MAX}`,
    (n) => n >= 1 && n <= RATE_LIMIT_MAX,
  )!;
  if (o.per === undefined) throw new JetbusConfigError(optionPath(path, 'per'), 'is required');
  const perMs = parseDuration(o.per as Duration, optionPath(path, 'per'));
  if (perMs < PER_MIN_MS || perMs > RATE_LIMIT_PER_MAX_MS) {
    throw new JetbusConfigError(
      optionPath(path, 'per'),
      `must be from 100ms to 24h, got ${shown(o.per)} (${perMs} ms)`,
    );
  }
  const { key } = o;
  if (
    key !== undefined &&
    typeof key !== 'function' &&
    (typeof key !== 'string' || !/^[!-9;-~]+$/.test(key))
  ) {
    throw new JetbusConfigError(
      optionPath(path, 'key'),
      `must be a header name or a function of the payload, got ${shown(key)}`,
    );
  }
  return {
    max,
    perMs,
    guardMs: Math.min(GUARD_MAX_MS, Math.floor(perMs / 10)),
    key: key as ResolvedRateLimit['key'],
  };
}
