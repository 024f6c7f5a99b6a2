import { toConsumerConfig } from '../provisioning';
import { type DeclaredConsumer, type HandlerHeartbeat } from '../workers/worker-heartbeat';
import { type PreparedHandler } from './prepared-handler';

/**
 * A handler's line in its process's heartbeat, read from the counters its settler updates (the same
 * ones Prometheus scrapes), so the heartbeat and the metrics cannot disagree.
 */
export function handlerHeartbeat(h: PreparedHandler): HandlerHeartbeat {
  return { ...handlerCounts(h), consumer: declaredConsumer(h) };
}

/**
 * The consumer settings the handler provisions, without the durable name (the entry's key): the
 * admin app shows where the live consumer differs (someone edited it, or another deploy declares
 * other values).
 */
function declaredConsumer(h: PreparedHandler): DeclaredConsumer {
  const declared: DeclaredConsumer = {};
  for (const [field, value] of Object.entries(toConsumerConfig(h.subject, h.options))) {
    if (field === 'durable_name') continue;
    if (typeof value === 'string' || typeof value === 'number') declared[field] = value;
    else if (Array.isArray(value) && value.every((n) => typeof n === 'number')) declared[field] = value;
  }
  return declared;
}

function handlerCounts(h: PreparedHandler): HandlerHeartbeat {
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
