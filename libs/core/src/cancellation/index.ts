export {
  type JobCancelOutcome,
  type JobCancelResult,
  type CancelJobDeps,
  cancelJob,
  checkCancellableJobId,
} from './cancel-job';
export { CancelWatch } from './cancel-watch';
export {
  CANCELLATION_TTL_MS,
  CancellationStore,
  type JobCancellation,
  cancellationKey,
  readCancellation,
} from './cancellation-store';
export {
  type CancellationOptions,
  type ResolvedCancellationOptions,
  resolveCancellation,
} from './cancellation-options';
export { type CancelGuard, RunnerCancellation } from './runner-cancellation';
