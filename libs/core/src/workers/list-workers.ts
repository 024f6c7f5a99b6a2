import { type JetStreamManager, type StoredMsg } from '@nats-io/jetstream';
import { JetbusConnection } from '../connection/jetbus.connection';
import { isStreamNotFound } from '../connection/jetstream-api-errors';
import { kvKeyPart } from '../connection/kv-bucket';
import { nextMessage } from '../repair/next-message';
import { WORKERS_BUCKET } from './workers-bucket';
import { type WorkerHeartbeat, parseWorkerHeartbeat } from './worker-heartbeat';

const STREAM = `KV_${WORKERS_BUCKET}`;
const KEY_PREFIX = `$KV.${WORKERS_BUCKET}.`;

/**
 * The workers alive now: the latest heartbeat of every process in `JETBUS_WORKERS`, ordered by
 * service name, then id. Empty when the bucket does not exist (no worker ever ran).
 *
 * Reads the bucket's stream message by message (`STREAM.MSG.GET` with `next_by_subj`), so a reader
 * needs only `$JS.API.STREAM.INFO` and `$JS.API.STREAM.MSG.GET` on `KV_JETBUS_WORKERS`, no consumer.
 * Deleted keys (a worker that shut down) and values that are not heartbeats are skipped, as is a
 * value whose `id` is not its key or whose `user` is not its key's first token: permissions narrow
 * each user to its own keys, so that check is what makes `user` trustworthy.
 */
export async function listWorkers(source: JetStreamManager | JetbusConnection): Promise<WorkerHeartbeat[]> {
  const jsm = source instanceof JetbusConnection ? source.jsm : source;
  let first: number;
  let last: number;
  try {
    const { state } = await jsm.streams.info(STREAM);
    if (state.messages === 0) return [];
    first = state.first_seq;
    last = state.last_seq;
  } catch (e) {
    if (isStreamNotFound(e)) return [];
    throw e;
  }
  const workers: WorkerHeartbeat[] = [];
  for (let seq = first; seq <= last;) {
    const msg = await nextMessage(jsm, STREAM, seq, `${KEY_PREFIX}>`);
    if (!msg || msg.seq > last) break;
    seq = msg.seq + 1;
    const heartbeat = readHeartbeat(msg);
    if (heartbeat) workers.push(heartbeat);
  }
  return workers.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

function readHeartbeat(msg: StoredMsg): WorkerHeartbeat | undefined {
  const operation = msg.header?.get('KV-Operation');
  if (operation === 'DEL' || operation === 'PURGE') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(msg.data));
  } catch {
    return undefined;
  }
  const heartbeat = parseWorkerHeartbeat(value);
  const key = msg.subject.slice(KEY_PREFIX.length);
  if (!heartbeat || heartbeat.id !== key || key.split('.')[0] !== kvKeyPart(heartbeat.user)) return undefined;
  return heartbeat;
}
