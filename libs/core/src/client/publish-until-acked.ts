import { type JetStreamClient, type JetStreamPublishOptions, type PubAck } from '@nats-io/jetstream';
import { isJetStreamElecting } from '../connection/jetstream-api-errors';

/**
 * The longest one attempt waits for its PubAck when the publish may be retried. A stream whose leader
 * died answers nothing until a new one is elected (a few seconds), and a request sent before that is
 * never answered: waiting out the whole timeout on it would leave no time to send it again.
 */
const ATTEMPT_TIMEOUT_MS = 2_000;
const RETRY_PAUSE_MS = 100;

/**
 * "No responders": nobody listens on the subject. On a standalone server that means no stream
 * captures it; in a cluster it is also what a publish gets while the stream's new leader is being
 * elected (nats.js names it `JetStreamNotEnabled` on a publish).
 */
const isNoResponders = (e: unknown): boolean =>
  e instanceof Error &&
  (e.name === 'JetStreamNotEnabled' || (e.name === 'RequestError' && /no responders/i.test(e.message)));

/**
 * Publishes and resolves with the PubAck, retrying while the stream elects a leader until
 * `timeoutMs` is spent, then throws the last error. Retried: "no responders" when `clustered` (never
 * stored, so any message may be sent again; on a standalone server it means no stream, at once), and
 * no reply or 10008 for a message with a `Nats-Msg-Id`: the attempt that timed out may have been
 * stored, and the stream drops the copy as a duplicate (within its duplicate window). Without a msg
 * id a timeout is final, so jetbus never stores a message twice. Sets `opts.timeout` (the caller's
 * object, one per publish).
 */
export function publishUntilAcked(
  js: JetStreamClient,
  subject: string,
  body: Uint8Array,
  opts: Partial<JetStreamPublishOptions>,
  timeoutMs: number,
  clustered: boolean,
): Promise<PubAck> {
  opts.timeout = timeoutMs;
  const resend = opts.msgID !== undefined;
  // The common case is nats.js's own promise, without a frame of ours around it.
  if (!resend && !clustered) return js.publish(subject, body, opts);
  return untilAcked(js, subject, body, opts, timeoutMs, resend, clustered);
}

async function untilAcked(
  js: JetStreamClient,
  subject: string,
  body: Uint8Array,
  opts: Partial<JetStreamPublishOptions>,
  timeoutMs: number,
  resend: boolean,
  clustered: boolean,
): Promise<PubAck> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    try {
      // Short attempts only when a lost reply may be resent; else one attempt waits it all out.
      opts.timeout = resend ? Math.max(1, Math.min(left, ATTEMPT_TIMEOUT_MS)) : Math.max(1, left);
      return await js.publish(subject, body, opts);
    } catch (e) {
      const retry = (clustered && isNoResponders(e)) || (resend && isJetStreamElecting(e));
      if (!retry || deadline - Date.now() <= RETRY_PAUSE_MS) throw e;
      await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
    }
  }
}
