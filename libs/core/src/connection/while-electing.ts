import { type Logger } from 'pino';
import { isJetStreamElecting, isNoResponders } from './jetstream-api-errors';

/**
 * How long a JetStream request is retried while the cluster elects a leader: a meta or stream leader
 * election after a node failure takes a few seconds; much longer means no majority, which waiting
 * will not fix.
 */
export const ELECTION_WAIT_MS = 30_000;
const RETRY_EVERY_MS = 500;

export interface ElectionWaitOptions {
  /** How long to keep trying. @default ELECTION_WAIT_MS */
  waitMs?: number;
  /**
   * The connection is to a cluster: "no responders" is retried too. A publish or a direct get meets it
   * while no server of the stream is up (an R1 stream's node restarting, an election); a JetStream API
   * request never does, since every server answers those. @default false
   */
  clustered?: boolean;
}

/**
 * Runs `request` until it gets an answer: while JetStream is electing a leader (`isJetStreamElecting`:
 * no reply, or 10008) it tries again, for up to `waitMs`, then throws the last error. Only for
 * idempotent requests (info, creating a stream or consumer identical to the declaration, a put of the
 * same value): the one that timed out may have been carried out.
 */
export async function whileElecting<T>(
  what: string,
  request: () => Promise<T>,
  logger: Logger,
  { waitMs = ELECTION_WAIT_MS, clustered = false }: ElectionWaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (e) {
      const electing = isJetStreamElecting(e) || (clustered && isNoResponders(e));
      if (!electing || Date.now() >= deadline) throw e;
      if (attempt === 1)
        logger.warn({ what }, 'JetStream does not answer yet (a cluster electing its leader?); waiting');
      await new Promise((r) => setTimeout(r, RETRY_EVERY_MS));
    }
  }
}
