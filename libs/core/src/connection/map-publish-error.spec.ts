import {
  NoStreamForSubjectError,
  PayloadTooLargeError,
  PermissionDeniedError,
  PublishFailedError,
  PublishTimeoutError,
  StreamLimitError,
} from '../errors';
import { mapPublishError } from './map-publish-error';

const ctx = { subject: 'orders.created', size: 10, maxPayload: 5, timeoutMs: 100, user: 'billing' };
const named = (name: string, message: string, extra: object = {}) =>
  Object.assign(new Error(message), { name }, extra);

describe('mapPublishError', () => {
  it('turns "jetstream is not enabled" into NoStreamForSubjectError naming the subject', () => {
    const e = mapPublishError(named('JetStreamNotEnabled', 'jetstream is not enabled'), ctx);
    expect(e).toBeInstanceOf(NoStreamForSubjectError);
    expect(e.message).toContain('"orders.created"');
  });
  it('maps max_payload to PayloadTooLargeError with sizes', () => {
    const e = mapPublishError(named('InvalidArgumentError', "'payload' max_payload size exceeded"), ctx);
    expect(e).toBeInstanceOf(PayloadTooLargeError);
    expect(e).toMatchObject({ size: 10, maxPayload: 5 });
  });
  it('maps a timeout to PublishTimeoutError', () => {
    expect(mapPublishError(named('TimeoutError', 'timeout'), ctx)).toBeInstanceOf(PublishTimeoutError);
  });
  it('maps stream limits to StreamLimitError with the API code', () => {
    const e = mapPublishError(named('JetStreamApiError', 'maximum messages exceeded', { code: 10077 }), ctx);
    expect(e).toBeInstanceOf(StreamLimitError);
    expect(e).toMatchObject({ apiCode: 10077 });
  });
  it('finds a permission violation in the cause chain and names the user', () => {
    const violation = named('PermissionViolationError', 'denied', {
      operation: 'publish',
      subject: 'orders.created',
    });
    const e = mapPublishError(named('RequestError', 'failed', { cause: violation }), ctx);
    expect(e).toBeInstanceOf(PermissionDeniedError);
    expect(e.message).toBe('permission denied: user billing may not publish "orders.created"');
  });
  it('keeps anything else as PublishFailedError with the original as cause', () => {
    const original = named('ClosedConnectionError', 'closed connection');
    const e = mapPublishError(original, ctx);
    expect(e).toBeInstanceOf(PublishFailedError);
    expect(e.cause).toBe(original);
  });
});
