import {
  JetbusError,
  NoStreamForSubjectError,
  PayloadTooLargeError,
  PublishFailedError,
  PublishTimeoutError,
  StreamLimitError,
} from '../errors';
import { toPermissionDeniedError } from './map-connection-error';
import { isNoResponders } from './jetstream-api-errors';

export interface PublishErrorContext {
  subject: string;
  size: number;
  maxPayload: number;
  timeoutMs: number;
  user: string | undefined;
  /** The server is in a cluster: "no responders" was retried for `timeoutMs` (an election, maybe). */
  clustered?: boolean;
}

const nameOf = (e: unknown): string => (e as { name?: string })?.name ?? '';
const messageOf = (e: unknown): string => (e as { message?: string })?.message ?? String(e);

/**
 * Turns what nats.js throws for a failed JetStream publish into one jetbus error. The mapping is
 * by name and API code, which nats.js documents, not by class identity.
 */
export function mapPublishError(e: unknown, ctx: PublishErrorContext): JetbusError {
  if (e instanceof JetbusError) return e;
  const name = nameOf(e);
  const message = messageOf(e);
  const denied = toPermissionDeniedError(e, ctx.user, ctx.subject);
  if (denied) return denied;
  // No stream listens, so the request had no responders (or, on a cluster, no leader yet).
  if (isNoResponders(e)) {
    return new NoStreamForSubjectError(ctx.subject, {
      cause: e,
      ...(ctx.clustered ? { waitedMs: ctx.timeoutMs } : {}),
    });
  }
  if (/max_payload/i.test(message)) {
    return new PayloadTooLargeError(ctx.subject, ctx.size, ctx.maxPayload, { cause: e });
  }
  if (name === 'TimeoutError' || /timeout/i.test(message)) {
    return new PublishTimeoutError(ctx.subject, ctx.timeoutMs, { cause: e });
  }
  if (name === 'JetStreamApiError') {
    const code = (e as { code?: number }).code;
    if (/maximum|exceeded|limit|insufficient resources/i.test(message)) {
      return new StreamLimitError(ctx.subject, code, message, { cause: e });
    }
  }
  return new PublishFailedError(ctx.subject, `${name || 'Error'}: ${message}`, { cause: e });
}
