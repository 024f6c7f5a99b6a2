import { type JetStreamClient } from '@nats-io/jetstream';
import { shown } from '../config';
import { JetbusConfigError, StreamNotFoundError } from '../errors';
import { type CancelResult, type ScheduledJob, cancelScheduled } from '../scheduling';
import { type ScheduleOutcomes } from '../scheduling/schedule-outcomes';
import { JOB_ID_PATTERN, SCHEDULED_STREAM } from '../scheduling/scheduling-names';
import { type CancellationStore, type JobCancellation } from './cancellation-store';

/**
 * What `cancel` found, with cancellation of queued and running jobs enabled:
 * - `cancelled`: it will not run (again): a scheduled job cancelled before its release, or a job a
 *   worker settled as cancelled (`cancellation` says how);
 * - `requested`: not scheduled (or already released): the request is recorded, and a worker terms
 *   the job when it is delivered, or aborts it if it runs. jetbus keeps no index of queued jobs, so
 *   an id no job has (or a job that already completed) is also `requested`, until the request expires.
 */
export type JobCancelOutcome = 'cancelled' | 'requested';

export interface JobCancelResult {
  jobId: string;
  outcome: JobCancelOutcome;
  /** The scheduled entry, when it was still in the scheduling stream. */
  job?: ScheduledJob;
  /** `released` when the job had been scheduled and was released before this cancel. */
  scheduled?: 'cancelled' | 'released';
  /** The request or outcome recorded in `JETBUS_CANCELLED` (absent for a scheduled cancel). */
  cancellation?: JobCancellation;
}

/** `<stream>:<seq>`, the default id of a job published without `jobId` or `msgId`. */
const STREAM_SEQ_ID = /^[-_A-Za-z0-9]{1,128}:[1-9][0-9]{0,19}$/;

/** A job id `cancel` takes: a `jobId` (1 to 128 letters, digits, `-`, `_`) or `<stream>:<seq>`. */
export function checkCancellableJobId(jobId: unknown): asserts jobId is string {
  if (typeof jobId === 'string' && (JOB_ID_PATTERN.test(jobId) || STREAM_SEQ_ID.test(jobId))) return;
  throw new JetbusConfigError(
    'jobId',
    `must be 1 to 128 letters, digits, "-" or "_", or <stream>:<seq>, got ${shown(jobId)}`,
  );
}

export interface CancelJobDeps {
  store: CancellationStore;
  /** The scheduling stream. @default 'JETBUS_SCHEDULED' */
  schedulingStream?: string;
  outcomes?: ScheduleOutcomes;
  onScheduledCancelled?: (job: ScheduledJob) => void;
}

/**
 * Cancels a job by id, wherever it is: a scheduled job is cancelled race-free against its release
 * (`cancelScheduled`); otherwise the request is recorded for the workers, who learn it through
 * their watch of `JETBUS_CANCELLED`. Idempotent: a repeat reports what holds now.
 */
export async function cancelJob(
  js: JetStreamClient,
  jobId: string,
  deps: CancelJobDeps,
): Promise<JobCancelResult> {
  checkCancellableJobId(jobId);
  let scheduled: CancelResult | undefined;
  if (JOB_ID_PATTERN.test(jobId)) {
    scheduled = await cancelScheduled(
      js,
      jobId,
      { stream: deps.schedulingStream ?? SCHEDULED_STREAM, onCancelled: deps.onScheduledCancelled },
      deps.outcomes,
    ).catch((e: unknown) => {
      // No scheduling stream: nothing is scheduled, the job can only be queued or running.
      if (e instanceof StreamNotFoundError) return undefined;
      throw e;
    });
    if (scheduled?.outcome === 'cancelled')
      return { ...scheduled, outcome: 'cancelled', scheduled: 'cancelled' };
  }
  const cancellation = await deps.store.request(jobId);
  return {
    jobId,
    outcome: cancellation.state === 'cancelled' ? 'cancelled' : 'requested',
    ...(scheduled?.job ? { job: scheduled.job } : {}),
    ...(scheduled?.outcome === 'released' ? { scheduled: 'released' as const } : {}),
    cancellation,
  };
}
