/**
 * The sliding log of one rate-limit key: the admission times (ms) of its last `max` admissions,
 * ascending. Pure functions, so the guarantee rests on code that is tested on its own:
 *
 * Every admission time is at least the previous one (`nextSlot` never goes below the last entry),
 * and an admission comes `per + guard` or more after the `max`-th admission before it. So any
 * `max + 1` admissions span at least `per + guard`. A handler starts within `guard` of its
 * admission (a later start is re-admitted, see `RateLimiter`), so any `max + 1` handler starts span
 * at least `per`: no window of length `per` holds more than `max` of them.
 */
export interface SlidingLogLimit {
  max: number;
  perMs: number;
  guardMs: number;
}

/** The earliest time, not before `now`, at which one more admission keeps the limit. */
export function nextSlot(log: readonly number[], now: number, limit: SlidingLogLimit): number {
  let at = log.length > 0 ? Math.max(now, log[log.length - 1]) : now;
  if (log.length >= limit.max) at = Math.max(at, log[log.length - limit.max] + limit.perMs + limit.guardMs);
  return at;
}

/**
 * The log with an admission at `at` (from `nextSlot`), keeping only what can still hold a later
 * admission back: the last `max` entries, none older than `per + guard` before `at`.
 */
export function appendAdmission(log: readonly number[], at: number, limit: SlidingLogLimit): number[] {
  const horizon = at - limit.perMs - limit.guardMs;
  const kept = log.slice(Math.max(0, log.length - limit.max + 1)).filter((t) => t > horizon);
  kept.push(at);
  return kept;
}

/**
 * How far past the reader's clock a log's admissions may be and still be jetbus's: a reservation is
 * at most a second ahead of its writer's clock, plus the skew between two hosts' clocks that the
 * limit is still meant to survive.
 */
export const LOG_FUTURE_MAX_MS = 60_000;

/**
 * Reads a stored log; anything that is not an ascending list of numbers counts as empty, and so does
 * one with an admission later than `notAfter` (`now + LOG_FUTURE_MAX_MS`). No jetbus worker writes
 * such a log, and taken as is it would hold every job of the key back until that time (a value
 * written by hand, `[9e15]`, is 285,000 years).
 */
export function decodeLog(text: string, notAfter = Number.POSITIVE_INFINITY): number[] {
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return [];
    const log = value.filter((t): t is number => typeof t === 'number' && Number.isFinite(t));
    if (log.length > 0 && log[log.length - 1] > notAfter) return [];
    return log.every((t, i) => i === 0 || t >= log[i - 1]) ? log : [];
  } catch {
    return [];
  }
}
