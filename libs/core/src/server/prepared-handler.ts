import { type HandlerInvoker } from '../handlers/handler-invoker.factory';
import { type ResolvedJobHandlerOptions } from '../handlers/job-handler.options';
import { type HandlerMetrics } from '../observability/jetbus-metrics';
import { type BackoffFunction } from '../retry';
import { type PayloadValidator } from '../validation';
import { type CompletedJobs } from './completed-jobs';

/** A handler with everything resolved at startup, ready for a consumer runner. */
export interface PreparedHandler {
  /** `ClassName.method`. */
  name: string;
  subject: string;
  stream: string;
  options: ResolvedJobHandlerOptions;
  invoke: HandlerInvoker;
  validator: PayloadValidator | undefined;
  backoff: BackoffFunction;
  metrics: HandlerMetrics;
  /** With `idempotency`: the keys of this handler's completed jobs. */
  completed?: CompletedJobs;
}
