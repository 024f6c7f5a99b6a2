import { StreamNotFoundError } from '../errors';
import { isStreamNotFound } from '../connection/jetstream-api-errors';
import { toPermissionDeniedError } from '../connection/map-connection-error';

/**
 * What a JetStream API call about `stream` rejected with, as a jetbus error where one fits: a
 * missing stream (10059) and a permission violation; anything else (a timeout, a closed
 * connection) is nats.js' own typed error and passes through.
 */
export function mapRepairError(e: unknown, stream: string): unknown {
  if (isStreamNotFound(e)) return new StreamNotFoundError(stream, { cause: e });
  return toPermissionDeniedError(e, undefined, `$JS.API.*.${stream}`) ?? e;
}
