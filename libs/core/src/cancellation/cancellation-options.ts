import { checkOptions, optionNames } from '../config';
import { type Duration, parseDurationAtLeast } from '../retry/duration';
import { CANCELLATION_TTL_MS } from './cancellation-store';

/** The module's `cancellation`: cancel queued and running jobs by id. */
export interface CancellationOptions {
  /**
   * How long a cancellation (the request, then its outcome) is kept in `JETBUS_CANCELLED`; at least
   * 1s. A job delivered after it expired runs. The TTL of the process that creates the bucket holds.
   * @default '7d'
   */
  ttl?: Duration;
}

export interface ResolvedCancellationOptions {
  ttlMs: number;
}

const CANCELLATION_OPTIONS = optionNames<CancellationOptions>({ ttl: true });

/** `cancellation`: undefined/false → off; `{}` or `true` → on with defaults. */
export function resolveCancellation(value: unknown): ResolvedCancellationOptions | false {
  if (value === undefined || value === false) return false;
  if (value === true) return { ttlMs: CANCELLATION_TTL_MS };
  const o = checkOptions(value, 'cancellation', CANCELLATION_OPTIONS, 'an object { ttl? }, true or false');
  return { ttlMs: parseDurationAtLeast(o.ttl, 'cancellation.ttl', 1000, CANCELLATION_TTL_MS) };
}
