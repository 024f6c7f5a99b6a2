import {
  DEAD_LETTER_DEFAULT_STREAM,
  DEAD_LETTER_REASONS,
  type DeadLetterFilter,
  isDeadLetterReason,
  JetbusConfigError,
  parseDeadLetterFilter,
  REPLAY_DEFAULT_RATE_PER_SECOND,
} from '@jetbus/core/ops';
import { type ServerCommandOptions } from '../connection.options';
import { UsageError } from '../usage.error';

/** The DLQ stream unless `--stream` says otherwise. */
export { DEAD_LETTER_DEFAULT_STREAM };
/** Replays per second unless `--rate` says otherwise. */
export { REPLAY_DEFAULT_RATE_PER_SECOND };

/** Options every `jetbus dlq` command takes. */
export interface DlqCommandOptions extends ServerCommandOptions {
  /** @default 'JETBUS_DLQ' */
  stream: string;
}

/** `jetbus dlq show`: with `keys`, an encrypted payload is decrypted for display. */
export interface DlqShowOptions extends DlqCommandOptions {
  /** A key ring file (`jetbus keys generate`), mode 0600. */
  keys?: string;
}

/** The filter options, as commander hands them over (strings). */
export interface DlqFilterOptions {
  subject?: string;
  consumer?: string;
  reason?: string;
  error?: string;
  since?: string;
  until?: string;
  limit?: string;
}

export type DlqListOptions = DlqCommandOptions & DlqFilterOptions;

export interface DlqReplayOptions extends DlqCommandOptions, DlqFilterOptions {
  /** Allow a replay of every dead letter (no ids, no filter). @default false */
  all?: boolean;
  /** @default '100' */
  rate: string;
  dryRun?: boolean;
  /** Replay more than `REPLAY_CONFIRM_THRESHOLD` dead letters without asking. @default false */
  yes?: boolean;
}

export interface DlqPurgeOptions extends DlqCommandOptions, DlqFilterOptions {
  /** Without it nothing is deleted. @default false */
  yes?: boolean;
}

/** A DLQ sequence given on the command line; throws naming `what` when it is not one. */
export function parseDlqSeq(value: string, what = 'dlqSeq'): number {
  const n = positiveInt(value);
  if (n === undefined)
    throw new UsageError(`${what} must be a DLQ stream sequence (a positive integer), got "${value}"`);
  return n;
}

/** Turns the filter options (and any DLQ sequences given as arguments) into a `DeadLetterFilter`. */
export function parseFilterOptions(options: DlqFilterOptions, ids: readonly string[] = []): DeadLetterFilter {
  const filter: DeadLetterFilter = {};
  if (ids.length) filter.ids = ids.map((id) => parseDlqSeq(id));
  if (options.subject !== undefined) filter.subject = options.subject;
  if (options.consumer !== undefined) filter.consumer = options.consumer;
  if (options.reason !== undefined) {
    if (!isDeadLetterReason(options.reason))
      throw new UsageError(
        `--reason must be one of ${DEAD_LETTER_REASONS.join(', ')}, got "${options.reason}"`,
      );
    filter.reason = options.reason;
  }
  if (options.error !== undefined) filter.error = options.error;
  if (options.since !== undefined) filter.since = parseTime(options.since, '--since');
  if (options.until !== undefined) filter.until = parseTime(options.until, '--until');
  if (options.limit !== undefined) {
    const limit = positiveInt(options.limit);
    if (limit === undefined)
      throw new UsageError(`--limit must be a positive integer, got "${options.limit}"`);
    filter.limit = limit;
  }
  try {
    parseDeadLetterFilter(filter);
  } catch (e) {
    // Name the command-line option, not the library field (`filter.subject` → `--subject`).
    if (!(e instanceof JetbusConfigError) || !e.option.startsWith('filter.')) throw e;
    const problem = e.message.slice(e.message.indexOf(`"${e.option}": `) + e.option.length + 4);
    throw new UsageError(`--${e.option.slice('filter.'.length)} ${problem}`, { cause: e });
  }
  return filter;
}

/** `--rate`: replays per second, a positive number. */
export function parseRate(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`--rate must be a positive number of replays per second, got "${value}"`);
  return n;
}

function positiveInt(value: string): number | undefined {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function parseTime(value: string, option: string): Date {
  // Only ISO 8601: Date.parse() accepts many other shapes, differently per engine.
  const iso = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
  const date = new Date(value);
  if (!iso.test(value.trim()) || Number.isNaN(date.getTime()) || !isCalendarDate(value.trim()))
    throw new UsageError(
      `${option} must be an ISO 8601 date or date-time, e.g. 2024-05-01T12:00:00Z, got "${value}"`,
    );
  return date;
}

/** The date part names a real day: `new Date()` quietly turns 2026-02-30 into March 2nd. */
function isCalendarDate(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}
