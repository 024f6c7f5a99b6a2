import { type Logger } from 'pino';
import { mapStartupError } from './map-startup-error';
import { type ElectionWaitOptions, whileElecting } from './while-electing';

/**
 * One JetStream request of a worker's startup, named by `step` (`bind consumer ORDERS/orders-run`):
 * retried while a cluster elects a leader (`whileElecting`), then any failure rejects as a jetbus
 * error naming the step (`mapStartupError`), never as a bare nats.js error. Only for idempotent
 * requests (an info, a bind, opening a bucket, a put of the same value).
 */
export async function startupRequest<T>(
  step: string,
  request: () => Promise<T>,
  logger: Logger,
  options: ElectionWaitOptions = {},
): Promise<T> {
  try {
    return await whileElecting(step, request, logger, options);
  } catch (e) {
    throw mapStartupError(e, step, options.waitMs);
  }
}
