import {
  JetbusError,
  NoStreamForSubjectError,
  PayloadTooLargeError,
  PermissionDeniedError,
  PublishFailedError,
  PublishTimeoutError,
  StreamLimitError,
} from '../errors';

export interface PublishErrorContext {
  subject: string;
  size: number;
  maxPayload: number;
  timeoutMs: number;
  user: string | undefined;
}

const nameOf = (e: unknown): string => (e as { name?: string })?.name ?? '';
const messageOf = (e: unknown): string => (e as { message?: string })?.message ?? String(e);

function findPermissionViolation(e: unknown): { operation: string; subject: string } | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    if (nameOf(cur) === 'PermissionViolationError') return cur as { operation: string; subject: string };
  }
  return undefined;
}

/**
 * Turns what nats.js throws for a failed JetStream publish into one jetbus error. The mapping is
 * by name and API code, which nats.js documents, not by class identity.
 */
export function mapPublishError(e: unknown, ctx: PublishErrorContext): JetbusError {
  if (e instanceof JetbusError) return e;
  const name = nameOf(e);
  const message = messageOf(e);
  const violation = findPermissionViolation(e);
  if (violation) {
    const op = violation.operation === 'publish' ? 'publish' : 'subscribe';
    return new PermissionDeniedError(op, violation.subject || ctx.subject, ctx.user, { cause: e });
  }
  // No stream listens, so the request had no responders; nats.js calls that "jetstream is not enabled".
  if (name === 'JetStreamNotEnabled' || (name === 'RequestError' && /no responders/i.test(message))) {
    return new NoStreamForSubjectError(ctx.subject, { cause: e });
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
