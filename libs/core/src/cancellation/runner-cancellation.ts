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

/** The consumer runner's view of cancellation: a guard per delivered job, no round trip per job. */
export class RunnerCancellation {
  constructor(
    private readonly watch: CancelWatch,
    private readonly store: CancellationStore,
    private readonly log: Logger,
  ) {}

  /** Starts watching a delivered job; its id is `defaultJobId` (`Jetbus-Job-Id`, `Nats-Msg-Id`, stream:seq). */
  arm(msg: JsMsg, controller: AbortController): CancelGuard {
    const jobId = defaultJobId(jobHeaders(msg).headers, msg.info.stream, msg.info.streamSequence);
    const key = cancellationKey(jobId);
    const error = new JobCancelledError(jobId, msg.subject);
    let cancelled = this.watch.get(key);
    let phase: 'queued' | 'running' = 'queued';
    let reject!: (e: JobCancelledError) => void;
    const aborted = new Promise<never>((_, r) => (reject = r));
    // Nobody awaits it unless the job runs: keep an unawaited rejection from being reported.
    aborted.catch(() => undefined);
    let unsubscribe: () => void = () => undefined;
    if (!cancelled) {
      phase = 'running';
      unsubscribe = this.watch.onCancel(key, (request) => {
        if (cancelled) return;
        cancelled = request;
        controller.abort(error);
        reject(error);
      });
    }
    const { store, log } = this;
    return {
      get cancelled() {
        return cancelled;
      },
      get while() {
        return phase;
      },
      aborted,
      error,
      dispose: () => unsubscribe(),
      async record(outcome) {
        // A redelivered copy of a job settled before: its outcome is already recorded.
        if (!cancelled || cancelled.state === 'cancelled') return;
        await store
          .settled(cancelled, { while: phase, ...outcome })
          .catch((err: unknown) => log.warn({ err, jobId }, 'could not record a cancelled job'));
      },
    };
  }
}
