import { checkOptions, optionNames, shown } from '../config';
import { JetbusConfigError } from '../errors';
import { type Duration, parseDuration } from './duration';

/**
 * Computes the delay before the next attempt. `attempt` is the 1-based attempt that just failed.
 * Return milliseconds.
 */
export type BackoffFunction = (attempt: number, error: unknown) => number;

/** `delay * factor^(attempt-1)`, capped at `maxDelay`, plus upward jitter. */
export interface ExponentialBackoff {
  type: 'exponential';
  /** First retry delay. @default '1s' */
  delay?: Duration;
  /** Growth per attempt. @default 2 */
  factor?: number;
  /** Cap on the delay (before jitter). @default '5m' */
  maxDelay?: Duration;
  /** Adds up to `jitter × delay`, so instances retrying together spread out. 0 to 1. @default 0.2 */
  jitter?: number;
}

/** The same delay every time. */
export interface FixedBackoff {
  type: 'fixed';
  delay: Duration;
  /** As for exponential. @default 0 */
  jitter?: number;
}

/** Attempt n waits `delays[n-1]`; past the end the last one repeats. */
export interface ListBackoff {
  type: 'list';
  delays: Duration[];
}

export type BackoffOptions = ExponentialBackoff | FixedBackoff | ListBackoff | BackoffFunction;

/**
 * Why jitter only adds: the configured schedule is then a floor, so a user can reason about "at
 * least 1 s before the second attempt", and a test can assert lower bounds.
 */
const withJitter = (base: number, jitter: number, random: () => number): number =>
  Math.round(base * (1 + jitter * random()));

function checkJitter(jitter: unknown, option: string): number {
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1))
    throw new JetbusConfigError(option, `must be a number between 0 and 1, got ${shown(jitter)}`);
  return jitter;
}

const KNOWN = {
  exponential: optionNames<ExponentialBackoff>({
    type: true,
    delay: true,
    factor: true,
    maxDelay: true,
    jitter: true,
  }),
  fixed: optionNames<FixedBackoff>({ type: true, delay: true, jitter: true }),
  list: optionNames<ListBackoff>({ type: true, delays: true }),
};
const ANY_KEY = [...new Set(Object.values(KNOWN).flat())];

/** Validates backoff options once, at startup, and returns the strategy as a plain function. */
export function createBackoff(
  options: BackoffOptions,
  option = 'backoff',
  random: () => number = Math.random,
): BackoffFunction {
  if (typeof options === 'function') {
    return (attempt, error) => {
      const delay = options(attempt, error);
      // A custom strategy returning garbage must not turn into nak(NaN) = immediate redelivery storm.
      return Number.isFinite(delay) && delay >= 0 ? Math.round(delay) : 0;
    };
  }
  const { type } = checkOptions(options, option, ANY_KEY, 'an object { type, … } or a function');
  if (type === 'exponential' || type === 'fixed' || type === 'list')
    checkOptions(options, option, KNOWN[type]);
  switch (options.type) {
    case 'exponential': {
      const delay = parseDuration(options.delay ?? '1s', `${option}.delay`);
      const maxDelay = parseDuration(options.maxDelay ?? '5m', `${option}.maxDelay`);
      const factor = options.factor ?? 2;
      if (typeof factor !== 'number' || !(factor >= 1 && factor < Infinity))
        throw new JetbusConfigError(`${option}.factor`, `must be a number >= 1, got ${shown(factor)}`);
      const jitter = checkJitter(options.jitter ?? 0.2, `${option}.jitter`);
      return (attempt) =>
        withJitter(Math.min(maxDelay, delay * factor ** Math.max(0, attempt - 1)), jitter, random);
    }
    case 'fixed': {
      if (options.delay === undefined)
        throw new JetbusConfigError(`${option}.delay`, 'is required for a fixed backoff');
      const delay = parseDuration(options.delay, `${option}.delay`);
      const jitter = checkJitter(options.jitter ?? 0, `${option}.jitter`);
      return () => withJitter(delay, jitter, random);
    }
    case 'list': {
      if (!Array.isArray(options.delays) || options.delays.length === 0) {
        throw new JetbusConfigError(`${option}.delays`, 'must be a non-empty list of durations');
      }
      const delays = options.delays.map((d, i) => parseDuration(d, `${option}.delays[${i}]`));
      return (attempt) => delays[Math.min(delays.length, Math.max(1, attempt)) - 1];
    }
    default:
      throw new JetbusConfigError(
        `${option}.type`,
        `must be "exponential", "fixed", "list" or a function, got ${shown(type)}`,
      );
  }
}
