import { type JetStreamClient, type MsgRequest, type NextMsgRequest } from '@nats-io/jetstream';
import { isMessageGone, isStreamNotFound } from '../connection/jetstream-api-errors';
import { shown } from '../config';
import { JetbusConfigError, StreamNotFoundError } from '../errors';
import { type ScheduledJob, toScheduledJob } from './scheduled-job';
import { ScheduleOutcomes } from './schedule-outcomes';
import { JOB_ID_PATTERN, SCHEDULED_STREAM, scheduledJobFilter } from './scheduling-names';

/**
 * What `cancel` found: `cancelled` (by this call or an earlier one: it will never be released),
 * `released` (it was released, or a release had begun, before the cancel: it is or will be in its
 * stream), or `not-found` (no such job is scheduled, or its outcome is older than 7 days).
 */
export type CancelOutcome = 'cancelled' | 'released' | 'not-found';

export interface CancelResult {
  jobId: string;
  outcome: CancelOutcome;
  /** The entry, when it was still in the scheduling stream. */
  job?: ScheduledJob;
}

export interface CancelScheduledOptions {
  /** The scheduling stream (the module's `scheduling.stream`). @default 'JETBUS_SCHEDULED' */
  stream?: string;
  /** Called once when this call is the one that cancelled the job (for metrics). */
  onCancelled?: (job: ScheduledJob) => void;
}

/**
 * Cancels a scheduled job by id, race-free against its release: both record the entry's outcome
 * with a KV create, and only the first succeeds (see `ScheduleOutcomes`). The entry is deleted after
 * a cancel; a cancel repeated after a crash finishes that deletion. When the id was scheduled more
 * than once (another `msgId`, or after the stream's duplicate window), every entry of it still
 * waiting is cancelled, and the newest one is reported. The entries are found oldest first with
 * `next_by_subj`: nats-server 2.9 answers `last_by_subj` with nothing once the newest message of a
 * subject is deleted, though older ones remain.
 */
export async function cancelScheduled(
  js: JetStreamClient,
  jobId: string,
  options: CancelScheduledOptions = {},
  outcomes = new ScheduleOutcomes(js, options.stream ?? SCHEDULED_STREAM),
): Promise<CancelResult> {
  if (typeof jobId !== 'string' || !JOB_ID_PATTERN.test(jobId)) {
    throw new JetbusConfigError('jobId', `must be 1 to 128 letters, digits, "-" or "_", got ${shown(jobId)}`);
  }
  const stream = options.stream ?? SCHEDULED_STREAM;
  const jsm = await js.jetstreamManager();
  let result: CancelResult | undefined;
  for (let from = 1; ;) {
    // nats.js types getMessage() without next_by_subj; nats-server has taken it since 2.9.0.
    const query: NextMsgRequest = { seq: from, next_by_subj: scheduledJobFilter(jobId) };
    const stored = await jsm.streams
      .getMessage(stream, query as unknown as MsgRequest)
      .catch((e: unknown) => {
        if (isStreamNotFound(e)) throw new StreamNotFoundError(stream, { cause: e });
        throw e;
      });
    // No (other) entry: released or cancelled earlier, or never scheduled.
    if (!stored) break;
    from = stored.seq + 1;
    const job = toScheduledJob(stored);
    if (!job) continue;
    const decided = await outcomes.decide(jobId, 'cancelled', { seq: stored.seq, storedAt: stored.time });
    if (decided.outcome === 'released') {
      result = { jobId, outcome: 'released', job };
      continue;
    }
    await jsm.streams.deleteMessage(stream, stored.seq, false).catch((e: unknown) => {
      if (!isMessageGone(e)) throw e;
    });
    if (decided.won) options.onCancelled?.(job);
    result = { jobId, outcome: 'cancelled', job };
  }
  return result ?? { jobId, outcome: (await outcomes.get(jobId)) ?? 'not-found' };
}
