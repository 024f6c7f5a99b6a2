import { type JsMsg } from '@nats-io/jetstream';
import { type Logger } from 'pino';
import { defaultJobId } from '../codec/job-id';
import { jobHeaders } from '../codec/message-headers';
import { JobCancelledError } from '../errors';
import { type CancelWatch } from './cancel-watch';
import { type CancellationStore, type JobCancellation, cancellationKey } from './cancellation-store';

/**
 * One delivered job watched for its cancellation while the runner has it. `cancelled` is set when
 * the job was cancelled before it ran (`while: 'queued'`) or while it ran (`'running'`: the
 * controller is aborted with a `JobCancelledError` and `aborted` rejects with it, so the runner
 * settles the job as cancelled whatever the handler does then).
 */
export interface CancelGuard {
  readonly cancelled: JobCancellation | undefined;
  readonly while: 'queued' | 'running';
  /** Rejects with the `JobCancelledError` once the job is cancelled while running; never resolves. */
  readonly aborted: Promise<never>;
  readonly error: JobCancelledError;
  /** Stops listening (the job is settled). */
  dispose(): void;
  /** Records the job's outcome in `JETBUS_CANCELLED`; a failure is logged, the job is settled anyway. */
  record(outcome: { handler: string; deadLettered: boolean }): Promise<void>;
}

/**
 * The consumer runner's view of cancellation: a guard per delivered job. The watch's memory answers
 * almost every delivery with no round trip; the bucket is read only when the memory cannot tell (see
 * `CancelWatch`): a redelivered job not found there (an outcome is not kept, and its term may have
 * been lost), or any job not found while the watch holds fewer requests than the bucket.
 */
export class RunnerCancellation {
  constructor(
    private readonly watch: CancelWatch,
    private readonly store: CancellationStore,
    private readonly log: Logger,
  ) {}

  /**
   * Starts watching a delivered job; its id is `defaultJobId` (`Jetbus-Job-Id`, `Nats-Msg-Id`,
   * stream:seq). Synchronous unless the bucket must be read. Called for every job, and almost none
   * is cancelled: the error (a stack trace) and the `aborted` promise are built only when needed.
   */
  arm(msg: JsMsg, target: Pick<AbortController, 'abort'>): CancelGuard | Promise<CancelGuard> {
    const jobId = defaultJobId(jobHeaders(msg).headers, msg.info.stream, msg.info.streamSequence);
    const key = cancellationKey(jobId);
    let error: JobCancelledError | undefined;
    const errorOf = () => (error ??= new JobCancelledError(jobId, msg.subject));
    let cancelled = this.watch.get(key);
    let phase: 'queued' | 'running' = 'queued';
    let aborted: Promise<never> | undefined;
    let reject: ((e: JobCancelledError) => void) | undefined;
    /** Set by the watch: the job was cancelled after it was armed (while running, or while the bucket was read). */
    let cancelledLater = false;
    let unsubscribe: () => void = () => undefined;
    const { store, log } = this;
    const guard: CancelGuard = {
      get cancelled() {
        return cancelled;
      },
      get while() {
        return phase;
      },
      get aborted() {
        if (!aborted) {
          // Cancelled by the watch before anyone asked: already rejected. Cancelled before it was
          // armed: never settles, as the job does not run.
          aborted = cancelledLater ? Promise.reject(errorOf()) : new Promise<never>((_, r) => (reject = r));
          // Nobody awaits it unless the job runs: keep an unawaited rejection from being reported.
          aborted.catch(() => undefined);
        }
        return aborted;
      },
      get error() {
        return errorOf();
      },
      dispose: () => unsubscribe(),
      async record(outcome) {
        // A redelivered copy of a job settled before: its outcome is already recorded.
        if (!cancelled || cancelled.state === 'cancelled') return;
        await store
          .settled(cancelled, { while: phase, ...outcome })
          .catch((err: unknown) => log.warn({ err, jobId }, 'could not record a cancelled job'));
      },
    };
    if (cancelled) return guard;
    // Listening first, so a request arriving while the bucket is read is not missed either.
    unsubscribe = this.watch.onCancel(key, (request) => {
      if (cancelled) return;
      cancelled = request;
      cancelledLater = true;
      target.abort(errorOf());
      reject?.(errorOf());
    });
    if (this.watch.complete() && !msg.redelivered) {
      phase = 'running';
      return guard;
    }
    return store.get(jobId).then(
      (found) => {
        // An outcome cancels a redelivery of the job it settled, not a new job under its id: the
        // same answer the memory gives, which keeps no outcomes.
        if (found && (found.state === 'requested' || msg.redelivered)) cancelled ??= found;
        if (!cancelled) phase = 'running';
        return guard;
      },
      (err: unknown) => {
        // As when the watch cannot start: the job runs, and is still aborted if a request arrives.
        log.warn({ err, jobId }, 'could not look up the cancellation of a job; running it');
        if (!cancelled) phase = 'running';
        return guard;
      },
    );
  }
}
