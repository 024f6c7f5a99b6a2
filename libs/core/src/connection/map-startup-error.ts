import { JetbusError, StartupError } from '../errors';
import { isErrorLike } from '../wire/auth-errors';
import { isJetStreamElecting, isNoResponders, jetStreamApiCode } from './jetstream-api-errors';
import { ELECTION_WAIT_MS } from './while-electing';

/**
 * What a JetStream request made while a worker starts rejected with, as one jetbus error: a jetbus
 * error passes as it is (a permission refusal, a bad option, a drifted consumer); anything nats.js
 * threw becomes a `StartupError` naming `step`, saying where to look, with the original as `cause`.
 * `waitedMs`: how long the request was retried while JetStream did not answer (`whileElecting`); 0
 * when it was not.
 */
export function mapStartupError(e: unknown, step: string, waitedMs = ELECTION_WAIT_MS): JetbusError {
  if (e instanceof JetbusError) return e;
  const said = isErrorLike(e) ? `${e.name}: ${e.message}` : String(e);
  const code = jetStreamApiCode(e);
  let detail: string;
  if (isJetStreamElecting(e)) {
    const wait = waitedMs >= 1_000 ? `${Math.round(waitedMs / 1000)}s` : `${waitedMs} ms`;
    const within = waitedMs > 0 ? ` within ${wait}` : '';
    detail =
      `JetStream did not answer${within} (${said}): in a cluster, is a majority of the nodes up, ` +
      'and do the stream and its consumers have a leader?';
  } else if (isNoResponders(e)) {
    detail = `nothing answered (${said}): is JetStream enabled for this account, and are the nodes of the stream up?`;
  } else if (code !== undefined) {
    detail = `JetStream refused it (${said}, error ${code})`;
  } else {
    detail = said;
  }
  return new StartupError(step, detail, { cause: e });
}
