import { type PubAck } from '@nats-io/jetstream';
import { type MsgHdrs } from '@nats-io/transport-node';
import { isJetStreamElecting, isNoResponders } from '../connection/jetstream-api-errors';
import { type PubAckInbox } from '../connection/pub-ack-inbox';

/**
 * The longest one attempt waits for its PubAck when the publish may be retried. A stream whose leader
 * died answers nothing until a new one is elected (a few seconds), and a request sent before that is
 * never answered: waiting out the whole timeout on it would leave no time to send it again.
 */
const ATTEMPT_TIMEOUT_MS = 2_000;
const RETRY_PAUSE_MS = 100;

/**
 * Publishes and resolves with the PubAck, retrying while the stream elects a leader until
 * `timeoutMs` is spent, then throws the last error. Retried: "no responders" when `clustered` (never
 * stored, so any message may be sent again; on a standalone server it means no stream, at once), and
 * no reply or 10008 for a message with a `Nats-Msg-Id` (`resend`): the attempt that timed out may
 * have been stored, and the stream drops the copy as a duplicate (within its duplicate window).
 * Without a msg id a timeout is final, so jetbus never stores a message twice.
 */
export function publishUntilAcked(
  inbox: PubAckInbox,
  subject: string,
  body: Uint8Array,
  headers: MsgHdrs | undefined,
  timeoutMs: number,
  resend: boolean,
  clustered: boolean,
): Promise<PubAck> {
  // The common case is the inbox's own promise, without a frame of ours around it.
  if (!resend && !clustered) return inbox.publish(subject, body, headers, timeoutMs);
  return untilAcked(inbox, subject, body, headers, timeoutMs, resend, clustered);
}

async function untilAcked(
  inbox: PubAckInbox,
  subject: string,
  body: Uint8Array,
  headers: MsgHdrs | undefined,
  timeoutMs: number,
  resend: boolean,
  clustered: boolean,
): Promise<PubAck> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    try {
      // Short attempts only when a lost reply may be resent; else one attempt waits it all out.
      const attempt = resend ? Math.max(1, Math.min(left, ATTEMPT_TIMEOUT_MS)) : Math.max(1, left);
      return await inbox.publish(subject, body, headers, attempt);
    } catch (e) {
      const retry = (clustered && isNoResponders(e)) || (resend && isJetStreamElecting(e));
      if (!retry || deadline - Date.now() <= RETRY_PAUSE_MS) throw e;
      await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
    }
  }
}
