import { type JetStreamManager, type MsgRequest } from '@nats-io/jetstream';
import { WORKERS_BUCKET, isMessageGone, isStreamNotFound } from '@jetbus/core';

/** The heartbeats bucket's stream and its key subjects. */
const WORKERS_STREAM = `KV_${WORKERS_BUCKET}`;
const KEY_SUBJECTS = `$KV.${WORKERS_BUCKET}.>`;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What the live workers declare for each consumer: `stream/durable` → the `consumer` configs of
 * the handler entries in their heartbeats. Read raw from the bucket's stream because core's
 * `listWorkers` keeps only the fields it knows and a heartbeat's `consumer` is newer than it. A
 * consumer missing from the map is one no worker describes: its drift is unknown, not none.
 * Anyone allowed to write the bucket can write anything, so each value is checked, never trusted.
 */
export async function declaredConsumers(
  jsm: JetStreamManager,
): Promise<Map<string, Record<string, unknown>[]>> {
  const declared = new Map<string, Record<string, unknown>[]>();
  let last: number;
  let seq: number;
  try {
    const { state } = await jsm.streams.info(WORKERS_STREAM);
    if (state.messages === 0) return declared;
    [seq, last] = [state.first_seq, state.last_seq];
  } catch (e) {
    if (isStreamNotFound(e)) return declared;
    throw e;
  }
  // Each key's latest value only (history 1 in practice, but a bucket may keep more).
  const latest = new Map<string, unknown>();
  while (seq <= last) {
    // `next_by_subj` skips deleted sequences in one request (nats.js 3.4 types only seq/last_by_subj).
    const query = { seq, next_by_subj: KEY_SUBJECTS } as unknown as MsgRequest;
    const msg = await jsm.streams.getMessage(WORKERS_STREAM, query).catch((e: unknown) => {
      if (isMessageGone(e)) return null;
      throw e;
    });
    if (!msg || msg.seq > last) break;
    seq = msg.seq + 1;
    const op = msg.header.get('KV-Operation');
    if (op === 'DEL' || op === 'PURGE') {
      latest.delete(msg.subject);
      continue;
    }
    try {
      latest.set(msg.subject, JSON.parse(new TextDecoder().decode(msg.data)));
    } catch {
      latest.delete(msg.subject);
    }
  }
  for (const value of latest.values()) {
    if (!isObject(value) || !Array.isArray(value.handlers)) continue;
    for (const handler of value.handlers) {
      if (!isObject(handler) || !isObject(handler.consumer)) continue;
      const { stream, durable, consumer } = handler;
      if (typeof stream !== 'string' || typeof durable !== 'string') continue;
      const key = `${stream}/${durable}`;
      declared.set(key, [...(declared.get(key) ?? []), consumer]);
    }
  }
  return declared;
}
