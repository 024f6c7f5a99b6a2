import { type HandlerHeartbeat } from '../workers/worker-heartbeat';
import { type PreparedHandler } from './prepared-handler';

/**
 * A handler's line in its process's heartbeat, read from the counters its settler updates (the same
 * ones Prometheus scrapes), so the heartbeat and the metrics cannot disagree.
 */
export function handlerHeartbeat(h: PreparedHandler): HandlerHeartbeat {
  const { acked, skipped, retried, deadLettered, inFlight } = h.metrics;
  const failed = retried.count + deadLettered.count;
  return {
    handler: h.name,
    subject: h.subject,
    stream: h.stream,
    durable: h.options.durable,
    concurrency: h.options.concurrency,
    inFlight: inFlight.count,
    processed: acked.count + skipped.count + failed,
    failed,
    retried: retried.count,
    deadLettered: deadLettered.count,
  };
}
