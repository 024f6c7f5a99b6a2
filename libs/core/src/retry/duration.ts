import { shown } from '../config';
import { JetbusConfigError } from '../errors';

/** Milliseconds as a number, or a string such as `'250ms'`, `'1.5s'`, `'2m'`, `'1h'`. */
export type Duration = number | string;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

/** Parses a duration to whole milliseconds; `option` names the setting in the error. */
export function parseDuration(value: Duration, option: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new JetbusConfigError(option, `must be a non-negative number of milliseconds, got ${value}`);
    }
    return Math.round(value);
  }
  const m = typeof value === 'string' ? DURATION.exec(value.trim()) : null;
  if (!m) {
    throw new JetbusConfigError(
      option,
      `must be milliseconds or a duration like "500ms", "2s", "1m", got ${shown(value)}`,
    );
  }
  return Math.round(Number(m[1]) * UNIT_MS[m[2]]);
}

/**
 * A duration option with a floor; when unset, `fallback` (its documented default) or undefined.
 * `minMs` 1 means "more than zero": a zero timeout would fail every call at once.
 */
export function parseDurationAtLeast(
  value: unknown,
  option: string,
  minMs: number,
  fallback: Duration,
): number;
export function parseDurationAtLeast(value: unknown, option: string, minMs: number): number | undefined;
export function parseDurationAtLeast(
  value: unknown,
  option: string,
  minMs: number,
  fallback?: Duration,
): number | undefined {
  if (value === undefined && fallback === undefined) return undefined;
  const ms = parseDuration((value ?? fallback) as Duration, option);
  if (ms < minMs) {
    throw new JetbusConfigError(
      option,
      minMs === 1
        ? `must be more than 0, got ${shown(value)}`
        : `must be at least ${minMs >= 1000 ? `${minMs / 1000}s` : `${minMs}ms`}, got ${ms} ms`,
    );
  }
  return ms;
}
