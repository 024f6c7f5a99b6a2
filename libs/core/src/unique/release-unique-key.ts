import { type MsgHdrs } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { UNIQUE_KEY_HEADER, UNIQUE_REVISION_HEADER } from '../wire/job-control-names';
import { type UniqueKeys } from './unique-keys';

/**
 * Frees the unique key of a job published with `until: 'completed'` once it reached a final
 * outcome. Best effort by design: a failed delete leaves the key held until its `for` expires, which
 * is what the job asked for at worst. Jobs without the revision header are left alone.
 */
export async function releaseUniqueKey(
  keys: UniqueKeys,
  headers: MsgHdrs | undefined,
  log: Logger,
): Promise<void> {
  const key = headers?.has(UNIQUE_KEY_HEADER) ? headers.get(UNIQUE_KEY_HEADER) : '';
  const revision = Number(headers?.has(UNIQUE_REVISION_HEADER) ? headers.get(UNIQUE_REVISION_HEADER) : '');
  if (!key || !Number.isSafeInteger(revision) || revision <= 0) return;
  try {
    await keys.release(key, revision);
  } catch (err) {
    log.warn({ err, revision }, 'could not free the unique key of a finished job; it holds until `for` expires');
  }
}
