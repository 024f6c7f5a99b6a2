import { SCHEDULED_STREAM } from '@jetbus/core/ops';
import { type ServerCommandOptions } from '../connection.options';
import { UsageError } from '../usage.error';

/** The scheduling stream unless `--stream` says otherwise. */
export { SCHEDULED_STREAM };

/** Options every `jetbus jobs` command takes. */
export interface JobsCommandOptions extends ServerCommandOptions {
  /** @default 'JETBUS_SCHEDULED' */
  stream: string;
  json?: boolean;
}

/** `jetbus jobs cancel`. */
export interface JobsCancelOptions extends JobsCommandOptions {
  /** Also cancel a queued or running job (a request in `JETBUS_CANCELLED`). */
  queued?: boolean;
}

/** `jetbus jobs scheduled`, as commander hands its options over (strings). */
export interface JobsScheduledOptions extends JobsCommandOptions {
  subject?: string;
  /** @default '100' */
  limit: string;
  cursor?: string;
}

/** A positive integer option no larger than `max`; a `UsageError` naming `option` otherwise. */
export function parseCount(value: string, option: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new UsageError(`${option} must be an integer from 1 to ${max}, got "${value}"`);
  }
  return n;
}
