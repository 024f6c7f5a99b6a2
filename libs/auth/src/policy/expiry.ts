import { InvalidOptionError } from '../errors/invalid-option.error';

// Anchored and bounded: `Date` parses far more than ISO 8601 ("1", "March 7"), none of it meant.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const RELATIVE = /^(\d{1,6})(m|h|d|w)$/;
const UNIT_MS: Readonly<Record<string, number>> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * An ISO 8601 time whose calendar date exists: `Date` rolls 2031-02-31 over to March 3rd, which
 * would silently issue creds with another expiry than asked for. Undefined when it does not parse.
 */
export function parseIsoTime(text: string): Date | undefined {
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) return undefined;
  const [y, m, d] = text.slice(0, 10).split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return undefined;
  return at;
}

/**
 * A user's expiry as given on the command line: an ISO 8601 time (`2026-12-31T23:59:59Z`) or a
 * duration from `now` (`90m`, `12h`, `30d`, `2w`). A time that is not in the future is refused:
 * creds that are dead on arrival are a mistake, not a policy.
 */
export function parseExpiry(value: string, now: Date = new Date(), option = 'expires'): Date {
  const text = value.trim();
  let at: Date;
  const relative = RELATIVE.exec(text);
  if (relative) {
    at = new Date(now.getTime() + Number(relative[1]) * UNIT_MS[relative[2]]);
  } else if (ISO_TIME.test(text)) {
    at = parseIsoTime(text) ?? new Date(Number.NaN);
  } else {
    throw new InvalidOptionError(
      option,
      `${JSON.stringify(value)} is neither an ISO 8601 time (2026-12-31T23:59:59Z) nor a duration (90m, 12h, 30d, 2w)`,
    );
  }
  if (Number.isNaN(at.getTime()))
    throw new InvalidOptionError(option, `${JSON.stringify(value)} is not a valid time`);
  if (at.getTime() <= now.getTime()) {
    throw new InvalidOptionError(
      option,
      `${at.toISOString()} is not in the future: the creds would be expired when issued`,
    );
  }
  return at;
}
