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
  it('turns "no responders" into NoStreamForSubjectError naming the subject', () => {
    // As js.publish says it (JetStreamNotEnabled > RequestError > NoResponders) and as the PubAck inbox does.
    const noResponders = named('NoResponders', "no responders: 'orders.created'");
    const request = named('RequestError', noResponders.message, { cause: noResponders });
    for (const said of [
      named('JetStreamNotEnabled', 'jetstream is not enabled', { cause: request }),
      request,
    ]) {
      const e = mapPublishError(said, ctx);
      expect(e).toBeInstanceOf(NoStreamForSubjectError);
      expect(e.message).toContain('"orders.created"');
    }
    // On a cluster it was retried for the timeout, and may have met an election: the message says both.
    const clustered = mapPublishError(request, { ...ctx, clustered: true }) as NoStreamForSubjectError;
    expect([clustered.code, clustered.waitedMs]).toEqual(['NO_STREAM_FOR_SUBJECT', 100]);
    expect(clustered.message).toContain(
      'no JetStream stream answered for subject "orders.created" within 100 ms',
    );
    expect(clustered.message).toContain('the cluster is electing one');
    // 10039 "jetstream not enabled for account" is an API answer, not a missing stream.
    const apiAnswer = named('JetStreamApiError', 'jetstream not enabled for account', { code: 10039 });
    const notEnabled = named('JetStreamNotEnabled', 'jetstream not enabled', { cause: apiAnswer });
    expect(mapPublishError(notEnabled, ctx)).not.toBeInstanceOf(NoStreamForSubjectError);
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
