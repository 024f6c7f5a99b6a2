import { JetStreamApiError } from '@nats-io/jetstream';
import { PermissionDeniedError, StreamNotFoundError } from '../errors';
import {
  isConsumerNotFound,
  isMessageGone,
  isStreamNotFound,
  jetStreamApiCode,
} from '../connection/jetstream-api-errors';
import { mapRepairError } from './map-repair-error';

const apiError = (status: number, errCode: number, description: string) =>
  new JetStreamApiError({ code: status, err_code: errCode, description });

describe('jetStreamApiCode', () => {
  it('reads the err_code of a JetStreamApiError, not its HTTP-like status', () => {
    expect(jetStreamApiCode(apiError(404, 10059, 'stream not found'))).toBe(10059);
  });
  it('ignores status codes and non-errors', () => {
    expect(jetStreamApiCode(Object.assign(new Error('x'), { code: 404 }))).toBeUndefined();
    expect(jetStreamApiCode('10059')).toBeUndefined();
    expect(jetStreamApiCode(undefined)).toBeUndefined();
  });
});

describe('the predicates', () => {
  it('when the message is not stored: get says 10037, delete says 10043', () => {
    expect(isMessageGone(apiError(404, 10037, 'no message found'))).toBe(true);
    expect(isMessageGone(apiError(400, 10043, 'sequence 3 not found'))).toBe(true);
    expect(isMessageGone(apiError(404, 10059, 'stream not found'))).toBe(false);
  });
  it('tells a missing stream from a missing consumer', () => {
    expect(isStreamNotFound(apiError(404, 10059, 'stream not found'))).toBe(true);
    expect(isConsumerNotFound(apiError(404, 10014, 'consumer not found'))).toBe(true);
    expect(isStreamNotFound(apiError(404, 10014, 'consumer not found'))).toBe(false);
  });
});

describe('mapRepairError', () => {
  it('when the stream is missing: StreamNotFoundError naming it, with the cause', () => {
    const cause = apiError(404, 10059, 'stream not found');
    const e = mapRepairError(cause, 'ORDERS');
    expect(e).toBeInstanceOf(StreamNotFoundError);
    expect(e).toMatchObject({ code: 'STREAM_NOT_FOUND', stream: 'ORDERS', cause });
  });
  it('when a permission was violated: PermissionDeniedError', () => {
    const violation = Object.assign(new Error('denied'), {
      name: 'PermissionViolationError',
      operation: 'publish',
      subject: '$JS.API.STREAM.MSG.DELETE.ORDERS',
    });
    const e = mapRepairError(
      Object.assign(new Error('failed', { cause: violation }), { name: 'RequestError' }),
      'ORDERS',
    );
    expect(e).toBeInstanceOf(PermissionDeniedError);
    expect((e as Error).message).toContain('$JS.API.STREAM.MSG.DELETE.ORDERS');
  });
  it('passes anything else through unchanged', () => {
    const timeout = Object.assign(new Error('timeout'), { name: 'TimeoutError' });
    expect(mapRepairError(timeout, 'ORDERS')).toBe(timeout);
  });
});
