import { type JetStreamManager, type MsgRequest, type StoredMsg } from '@nats-io/jetstream';
import { isMessageGone } from '../connection/jetstream-api-errors';

/**
 * The first message stored at or after `seq` whose subject matches `subject` (wildcards allowed),
 * or null when there is none. One request per message found, however many deleted sequences lie
 * between, so walking a stream this way costs what it holds, not its sequence range, and never
 * holds more than one message in memory.
 *
 * nats-server answers `next_by_subj` on `STREAM.MSG.GET` since 2.9 (no `allow_direct` needed).
 * nats.js 3.4 types that request as seq or last_by_subj only but sends the object as given, hence
 * the cast. A server that ignored the field would return exactly `seq` or nothing: the walk would
 * then stop at the first gap (repairing less, never more), and callers check the subject anyway.
 */
export async function nextMessage(
  jsm: JetStreamManager,
  stream: string,
  seq: number,
  subject: string,
): Promise<StoredMsg | null> {
  const query = { seq, next_by_subj: subject } as unknown as MsgRequest;
  try {
    return await jsm.streams.getMessage(stream, query);
  } catch (e) {
    if (isMessageGone(e)) return null;
    throw e;
  }
}
