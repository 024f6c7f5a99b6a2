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
  const m = DURATION.exec(value.trim());
  if (!m) {
    throw new JetbusConfigError(
      option,
      `must be milliseconds or a duration like "500ms", "2s", "1m", got "${value}"`,
    );
  }
  return Math.round(Number(m[1]) * UNIT_MS[m[2]]);
}
