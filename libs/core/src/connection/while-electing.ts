import { type Logger } from 'pino';
import { isJetStreamElecting } from './jetstream-api-errors';

/**
 * How long a JetStream request is retried while the cluster elects a leader: a meta or stream leader
 * election after a node failure takes a few seconds; much longer means no majority, which waiting
 * will not fix.
 */
export const ELECTION_WAIT_MS = 30_000;
const RETRY_EVERY_MS = 500;

/**
 * Runs `request` until it gets an answer: while JetStream is electing a leader (`isJetStreamElecting`:
 * no reply, or 10008) it tries again, for up to `ELECTION_WAIT_MS`, then throws the last error. Only
 * for idempotent requests (info, creating a stream or consumer identical to the declaration): the
 * one that timed out may have been carried out.
 */
export async function whileElecting<T>(
  what: string,
  request: () => Promise<T>,
  logger: Logger,
  waitMs = ELECTION_WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (e) {
      if (!isJetStreamElecting(e) || Date.now() >= deadline) throw e;
      if (attempt === 1)
        logger.warn({ what }, 'JetStream does not answer yet (a cluster electing its leader?); waiting');
      await new Promise((r) => setTimeout(r, RETRY_EVERY_MS));
    }
  }
}
