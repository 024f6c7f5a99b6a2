import { checkOptions, optionNames, shown } from '../config';
import { JetbusConfigError } from '../errors';
import { type Duration, parseDurationAtLeast } from '../retry/duration';

/** `unique` on publish: at most one job per key at a time. */
export interface UniqueOptions {
  /** The key, 1 to 256 characters, no control characters (stored hex-escaped as a KV key). */
  key: string;
  /** How long the key holds after the publish (milliseconds or `'30s'`, `'10m'`); at least 1 ms. */
  for: Duration;
  /**
   * `'expired'`: the key holds for the whole `for`. `'completed'`: it is also freed once the job
   * reached a final outcome (acked, dead-lettered by its worker, or cancelled), whichever comes
   * first. @default 'expired'
   */
  until?: 'expired' | 'completed';
}

export interface ResolvedUnique {
  key: string;
  forMs: number;
  until: 'expired' | 'completed';
}

const UNIQUE_OPTIONS = optionNames<UniqueOptions>({ key: true, for: true, until: true });
const MAX_KEY_LENGTH = 256;

/** Validates `unique`; every bad value is a `JetbusConfigError` naming `unique.<option>`. */
export function resolveUnique(value: unknown): ResolvedUnique {
  const o = checkOptions(value, 'unique', UNIQUE_OPTIONS, 'an object { key, for, until? }');
  const key = o.key;
  // It travels as a header value too: no control characters (a CR or LF would end the header).
  if (
    typeof key !== 'string' ||
    key.length === 0 ||
    key.length > MAX_KEY_LENGTH ||
    hasControlCharacter(key)
  ) {
    throw new JetbusConfigError(
      'unique.key',
      `must be a string of 1 to ${MAX_KEY_LENGTH} characters, no control characters, got ${shown(key)}`,
    );
  }
  if (o.for === undefined) throw new JetbusConfigError('unique.for', 'is required (how long the key holds)');
  const forMs = parseDurationAtLeast(o.for, 'unique.for', 1);
  const until = o.until ?? 'expired';
  if (until !== 'expired' && until !== 'completed') {
    throw new JetbusConfigError('unique.until', `must be 'expired' or 'completed', got ${shown(o.until)}`);
  }
  return { key, forMs: forMs!, until };
}

/** C0 controls and DEL, tested by code point (a regex of control characters is easy to misread). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
