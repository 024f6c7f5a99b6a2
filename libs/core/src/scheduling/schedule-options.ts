import { createHash, randomUUID } from 'node:crypto';
import { shown } from '../config';
import { JetbusConfigError } from '../errors';
import { type Duration, parseDuration } from '../retry/duration';
import { JOB_ID_PATTERN } from './scheduling-names';

/** When a publish is scheduled: its job id and due time (epoch ms). */
export interface Schedule {
  jobId: string;
  dueAt: number;
}

/** The publish options that schedule a job (a structural view, so scheduling needs no client import). */
export interface ScheduleFields {
  delay?: Duration;
  deliverAt?: Date | string | number;
  jobId?: string;
  msgId?: string;
}

/**
 * The schedule of a publish, or undefined when it is sent at once. Every bad value is a
 * `JetbusConfigError` naming the option: a typo'd delay must never publish the job immediately.
 */
export function resolveSchedule(options: ScheduleFields, now: number): Schedule | undefined {
  const { delay, deliverAt, jobId } = options;
  if (delay === undefined && deliverAt === undefined) {
    // Not scheduled: the job id (if any) travels as `Jetbus-Job-Id`, for `cancel(jobId)`.
    if (jobId !== undefined) checkJobId(jobId);
    return undefined;
  }
  if (delay !== undefined && deliverAt !== undefined) {
    throw new JetbusConfigError('deliverAt', 'set either `delay` or `deliverAt`, not both');
  }
  const dueAt = delay !== undefined ? now + parseDuration(delay, 'delay') : parseDeliverAt(deliverAt);
  if (jobId !== undefined) checkJobId(jobId);
  return { jobId: jobId ?? jobIdFor(options.msgId), dueAt };
}

/** A Date, an ISO 8601 string or epoch milliseconds, as epoch milliseconds. */
export function parseDeliverAt(value: unknown, option = 'deliverAt'): number {
  const expected = 'a Date, an ISO 8601 time or epoch milliseconds';
  let ms = Number.NaN;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value >= 0 ? value : Number.NaN;
  else if (typeof value === 'string' && value.trim() !== '') {
    // Date.parse reads digits-only strings as years: epoch milliseconds come as a number.
    ms = /^\d+$/.test(value.trim()) ? Number(value) : Date.parse(value);
  }
  if (!Number.isFinite(ms)) throw new JetbusConfigError(option, `must be ${expected}, got ${shown(value)}`);
  return Math.round(ms);
}

/**
 * With a `msgId` the job id derives from it, so a retried publish (deduplicated by the scheduling
 * stream) answers with the id of the job actually stored; without one, a random id.
 */
function jobIdFor(msgId: string | undefined): string {
  if (msgId === undefined) return randomUUID();
  if (JOB_ID_PATTERN.test(msgId)) return msgId;
  return createHash('sha256').update(msgId).digest('base64url').slice(0, 32);
}

/** A job id is a subject token and a KV key: 1 to 128 letters, digits, `-`, `_`. */
export function checkJobId(jobId: unknown, option = 'jobId'): asserts jobId is string {
  if (typeof jobId !== 'string' || !JOB_ID_PATTERN.test(jobId)) {
    throw new JetbusConfigError(
      option,
      `must be 1 to 128 letters, digits, "-" or "_" (it is a subject token), got ${shown(jobId)}`,
    );
  }
}
