import { WORKERS_BUCKET, kvKeyPart } from '../wire/names';

export { WORKERS_BUCKET };

/**
 * Heartbeats a key outlives: an entry is kept for this many intervals, so one late or lost write
 * does not make a live worker vanish, and a dead one is gone a few intervals after its last beat.
 */
export const HEARTBEAT_TTL_INTERVALS = 3;

/** What makes a process's key: who it runs as, where, and a random part for pid reuse. */
export interface WorkerKeyParts {
  /** The user of its creds; `anon` without them. */
  user: string | undefined;
  host: string;
  pid: number;
  /** Hex; tells apart two processes that reuse one pid (containers often run as pid 1). */
  random: string;
}

/**
 * `<user>.<host>.<pid>.<random>`, each part escaped to the KV key alphabet (`kvKeyPart`): the first
 * token is the user, so a user's permissions can be narrowed to `$KV.JETBUS_WORKERS.<user>.>`.
 */
export function workerKey(parts: WorkerKeyParts): string {
  const { user, host, pid, random } = parts;
  return [user || 'anon', host || 'unknown', String(pid), random].map(kvKeyPart).join('.');
}
