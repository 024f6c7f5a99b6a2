import { type Logger } from 'pino';
import { UNIQUE_KEY_HEADER, UNIQUE_REVISION_HEADER } from '../wire/job-control-names';
import { type UniqueKeys } from './unique-keys';

/**
 * Frees the unique key of a job published with `until: 'completed'` once it reached a final
 * outcome (acked, dead-lettered by its worker, cancelled while queued, running or scheduled). Best effort by design: a failed delete leaves the key held until its `for` expires, which
 * is what the job asked for at worst. Jobs without the revision header are left alone.
 */
/** What is read of a job's headers: nats.js's `MsgHdrs` or `headerReader(record)`. */
export interface HeaderReader {
  has(name: string): boolean;
  get(name: string): string;
}

/** A `Record<string, string[]>` (a `ScheduledJob`'s headers) read like `MsgHdrs`. */
export const headerReader = (record: Record<string, string[]>): HeaderReader => ({
  has: (name) => (record[name]?.length ?? 0) > 0,
  get: (name) => record[name]?.[0] ?? '',
});

export async function releaseUniqueKey(
  keys: UniqueKeys,
  headers: HeaderReader | undefined,
  log: Logger,
): Promise<void> {
  const key = headers?.has(UNIQUE_KEY_HEADER) ? headers.get(UNIQUE_KEY_HEADER) : '';
  const revision = Number(headers?.has(UNIQUE_REVISION_HEADER) ? headers.get(UNIQUE_REVISION_HEADER) : '');
  if (!key || !Number.isSafeInteger(revision) || revision <= 0) return;
  try {
    await keys.release(key, revision);
  } catch (err) {
    log.warn(
      { err, revision },
      'could not free the unique key of a finished job; it holds until `for` expires',
    );
  }
}
