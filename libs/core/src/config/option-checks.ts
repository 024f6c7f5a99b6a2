import { JetbusConfigError } from '../errors';
import { didYouMean } from './did-you-mean';

/**
 * Small checks shared by the options resolvers (module, streams, dead letters, handlers, backoff).
 * Each throws a `JetbusConfigError` naming the option's full path and what was expected, so a bad
 * value never reaches code that would fail with a raw `TypeError`.
 */

/** `streams[0]` + `name` → `streams[0].name`; `streams` + 0 → `streams[0]`; the root path is `''`. */
export const optionPath = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;

/** A value as an error message shows it: strings quoted, numbers and booleans as is, objects by kind. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/**
 * The option names of an options type, declared once: the compiler insists on every key of `T`, so
 * a new option cannot be forgotten by the unknown-key check.
 */
export const optionNames = <T>(names: { [K in keyof Required<T>]: true }): readonly string[] =>
  Object.keys(names);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks that `value` is an options object holding only `known` keys. An unknown key is named with
 * its path and, when a known key is close, a did-you-mean. `expected` describes the object in the
 * message when it is not one (e.g. `an object or false`).
 */
export function checkOptions(
  value: unknown,
  path: string,
  known: readonly string[],
  expected = 'an object',
): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new JetbusConfigError(path || 'options', `must be ${expected}, got ${shown(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const guess = didYouMean(key, known);
    throw new JetbusConfigError(
      optionPath(path, key),
      guess
        ? `unknown option, did you mean "${guess}"?`
        : `unknown option; the options here are ${known.join(', ')}`,
    );
  }
  return value;
}

/** An optional integer; `expected` completes "must be …" (e.g. `a positive integer`). */
export function integerOption(
  value: unknown,
  path: string,
  expected: string,
  ok: (n: number) => boolean,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || !ok(value)) {
    throw new JetbusConfigError(path, `must be ${expected}, got ${shown(value)}`);
  }
  return value;
}

export const positiveInteger = (value: unknown, path: string): number | undefined =>
  integerOption(value, path, 'a positive integer', (n) => n >= 1);

/** An optional string that is not blank. */
export function stringOption(
  value: unknown,
  path: string,
  expected = 'a non-empty string',
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new JetbusConfigError(path, `must be ${expected}, got ${shown(value)}`);
  }
  return value;
}

export function booleanOption(value: unknown, path: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean')
    throw new JetbusConfigError(path, `must be true or false, got ${shown(value)}`);
  return value;
}

export function functionOption<F>(value: unknown, path: string, expected = 'a function'): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function')
    throw new JetbusConfigError(path, `must be ${expected}, got ${shown(value)}`);
  return value as F;
}

/** One of a few strings, or `fallback` when unset. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new JetbusConfigError(path, `must be one of ${allowed.join(' | ')}, got ${shown(value)}`);
}

/**
 * A NATS subject (or, with `wildcards: false`, a subject prefix): dot-separated tokens with no
 * whitespace and no empty token, `*` and `>` only as whole tokens and `>` only last.
 */
export function isSubject(value: unknown, wildcards = true): value is string {
  if (typeof value !== 'string' || value === '' || /\s/.test(value)) return false;
  const tokens = value.split('.');
  return tokens.every((t, i) => {
    if (t === '') return false;
    if (t === '*' || (t === '>' && i === tokens.length - 1)) return wildcards;
    return !t.includes('*') && !t.includes('>');
  });
}

/** Stream, consumer and service names: no whitespace, `.`, `*`, `>`, `/` or `\`. */
export const isName = (value: unknown): value is string =>
  typeof value === 'string' && /^[^\s.*>/\\]+$/.test(value);
