import { checkOptions, optionNames, positiveInteger } from '../config';
import { type Duration, parseDurationAtLeast } from '../retry/duration';
import { CANCELLATION_TTL_MS } from './cancellation-store';

/** Open cancel requests a worker holds in memory when `cancellation.maxInMemory` is not set. */
export const CANCELLATION_MAX_IN_MEMORY = 100_000;

/** The module's `cancellation`: cancel queued and running jobs by id. */
export interface CancellationOptions {
  /**
   * How long a cancellation (the request, then its outcome) is kept in `JETBUS_CANCELLED`; at least
   * 1s. A job delivered after it expired runs. The TTL of the process that creates the bucket holds.
   * @default '7d'
   */
  ttl?: Duration;
  /**
   * Open cancel requests (not yet met by a worker) each worker holds in memory, about 250 bytes
   * each (25 MB at the default). Past it the oldest are dropped, and until they would have expired a delivered job not
   * found in memory is looked up in the bucket (one KV read); no request is missed. A positive integer.
   * @default 100000
   */
  maxInMemory?: number;
}

export interface ResolvedCancellationOptions {
  ttlMs: number;
  maxInMemory: number;
}

const CANCELLATION_OPTIONS = optionNames<CancellationOptions>({ ttl: true, maxInMemory: true });

/** `cancellation`: undefined/false → off; `{}` or `true` → on with defaults. */
export function resolveCancellation(value: unknown): ResolvedCancellationOptions | false {
  if (value === undefined || value === false) return false;
  if (value === true) return { ttlMs: CANCELLATION_TTL_MS, maxInMemory: CANCELLATION_MAX_IN_MEMORY };
  const o = checkOptions(
    value,
    'cancellation',
    CANCELLATION_OPTIONS,
    'an object { ttl?, maxInMemory? }, true or false',
  );
  return {
    ttlMs: parseDurationAtLeast(o.ttl, 'cancellation.ttl', 1000, CANCELLATION_TTL_MS),
    maxInMemory: positiveInteger(o.maxInMemory, 'cancellation.maxInMemory') ?? CANCELLATION_MAX_IN_MEMORY,
  };
}
