import { JetStreamApiCodes } from '@nats-io/jetstream';
import { StreamNotFoundError } from '../errors';
import { toPermissionDeniedError } from '../module/map-connection-error';

/**
 * The JetStream API error code (`err_code`) nats.js attached, if any. Duck-typed: nats.js has a
 * subclass per code (`StreamNotFoundError`, ...) and Jest's vm gives errors another realm. API
 * codes are five digits; a status code (404, 408) is something else.
 */
export function jetStreamApiCode(e: unknown): number | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'number' && code >= 10_000 ? code : undefined;
}

/** 10037 "no message found" (get) and 10043 "sequence not found" (delete): the message is not stored. */
export const isMessageGone = (e: unknown): boolean => {
  const code = jetStreamApiCode(e);
  return code === JetStreamApiCodes.NoMessageFound || code === 10043;
};

export const isStreamNotFound = (e: unknown): boolean =>
  jetStreamApiCode(e) === JetStreamApiCodes.StreamNotFound;

export const isConsumerNotFound = (e: unknown): boolean =>
  jetStreamApiCode(e) === JetStreamApiCodes.ConsumerNotFound;

/**
 * What a JetStream API call about `stream` rejected with, as a jetbus error where one fits: a
 * missing stream (10059) and a permission violation; anything else (a timeout, a closed
 * connection) is nats.js' own typed error and passes through.
 */
export function mapRepairError(e: unknown, stream: string): unknown {
  if (isStreamNotFound(e)) return new StreamNotFoundError(stream, { cause: e });
  return toPermissionDeniedError(e, undefined, `$JS.API.*.${stream}`) ?? e;
}
