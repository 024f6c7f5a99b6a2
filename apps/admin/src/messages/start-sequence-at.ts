import { type StreamState } from '@nats-io/jetstream';
import { type StreamReader } from './stream-reader';

/**
 * The sequence of the first message stored at or after `since`, or null when there is none. A
 * binary search over sequences, reading one message per step (`next_by_subj` `>`, so deleted
 * sequences cost nothing): about log2(last - first) requests, 20 for a million messages. It relies
 * on what nats-server's own `by_start_time` lookup relies on, store times that grow with the
 * sequence. A probe consumer (`opt_start_time`) was the first idea, but a work-queue stream
 * refuses one (no ack-none consumer, no overlapping filters) and an interest stream would retain
 * for it; a direct get with `start_time` needs nats-server 2.11.
 *
 * Store times carry nanoseconds and `since` milliseconds: a message is at or after `since`
 * exactly when its time truncated to the millisecond is, which is what `Date` compares.
 */
export async function startSequenceAt(
  reader: StreamReader,
  state: StreamState,
  since: Date,
): Promise<number | null> {
  if (state.messages === 0) return null;
  const at = since.getTime();
  // g(s): the first message stored at or after sequence s is at or after `since`. g is false, then
  // true, as s grows; the answer is the message of the smallest s where it holds.
  const holds = async (seq: number): Promise<{ ok: boolean; seq: number | undefined }> => {
    const msg = await reader.next(seq, '>');
    return { ok: !msg || Date.parse(msg.time) >= at, seq: msg?.seq };
  };
  const last = await reader.next(state.last_seq, '>');
  if (!last || Date.parse(last.time) < at) return null;
  let lo = state.first_seq;
  let hi = last.seq;
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const probe = await holds(mid);
    if (probe.ok) hi = mid;
    // Every sequence up to the message found leads to that same message: skip them all.
    else lo = (probe.seq ?? mid) + 1;
  }
  return (await reader.next(lo, '>'))?.seq ?? null;
}
