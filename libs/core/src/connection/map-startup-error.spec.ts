import { JetStreamApiError } from '@nats-io/jetstream';
import {
  ClosedConnectionError,
  NoRespondersError,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';
import pino from 'pino';
import { JetbusConfigError, PermissionDeniedError, StartupError } from '../errors';
import { mapStartupError } from './map-startup-error';
import { startupRequest } from './startup-request';

const logger = pino({ level: 'silent' });
const apiError = (err_code: number, description: string) =>
  new JetStreamApiError({ code: err_code === 10008 ? 503 : 400, err_code, description });
// What nats.js throws for a JetStream request nobody listens to.
const noResponders = () => new RequestError('no responders', { cause: new NoRespondersError('$KV.B.k') });

describe('mapStartupError', () => {
  it('turns an unanswered request into a StartupError naming the step and the wait, keeping the cause', () => {
    const cause = new TimeoutError();
    const e = mapStartupError(cause, 'bind consumer ORDERS/orders-run', 30_000);
    expect(e).toBeInstanceOf(StartupError);
    expect(e).toMatchObject({ code: 'STARTUP', step: 'bind consumer ORDERS/orders-run', cause });
    expect(e.message).toBe(
      'jetbus startup: bind consumer ORDERS/orders-run failed: JetStream did not answer within 30s ' +
        '(TimeoutError: timeout): in a cluster, is a majority of the nodes up, and do the stream and its ' +
        'consumers have a leader?',
    );
  });

  it('says 10008 is JetStream being unavailable, with its code', () => {
    const e = mapStartupError(apiError(10008, 'JetStream system temporarily unavailable'), 'x', 1_000);
    expect(e.message).toContain('did not answer within 1s');
    expect(mapStartupError(new TimeoutError(), 'x').message).toContain('did not answer within 30s');
    // Not retried at all: no wait to speak of.
    expect(mapStartupError(new TimeoutError(), 'x', 0).message).toContain('did not answer (TimeoutError');
    expect(e.message).toContain('temporarily unavailable');
  });

  it('says what "no responders" means and what to check', () => {
    const e = mapStartupError(noResponders(), 'record periodic schedule p in JETBUS_PERIODIC');
    expect(e).toBeInstanceOf(StartupError);
    expect(e.message).toContain('nothing answered');
    expect(e.message).toContain('is JetStream enabled');
  });

  it('reports another API error as JetStream refusing, with its code', () => {
    const cause = apiError(10052, 'replicas > 1 not supported in non-clustered mode');
    const e = mapStartupError(cause, 'open KV bucket JETBUS_PERIODIC');
    expect(e).toMatchObject({ step: 'open KV bucket JETBUS_PERIODIC', cause });
    expect(e.message).toContain('JetStream refused it');
    expect(e.message).toContain('10052');
  });

  it('keeps anything else, e.g. a closed connection, as the cause with its words', () => {
    const cause = new ClosedConnectionError();
    const e = mapStartupError(cause, 'start the workers');
    expect(e).toMatchObject({ step: 'start the workers', cause });
    expect(e.message).toContain(cause.message);
  });

  it('passes jetbus errors through: they are typed and precise already', () => {
    const denied = new PermissionDeniedError('publish', '$JS.API.CONSUMER.INFO.S.D', 'worker');
    const config = new JetbusConfigError('streams[0]', 'bad');
    expect(mapStartupError(denied, 'x')).toBe(denied);
    expect(mapStartupError(config, 'x')).toBe(config);
  });
});

describe('startupRequest', () => {
  it('rides out unanswered requests, then resolves with the answer', async () => {
    const failures: Error[] = [new TimeoutError(), apiError(10008, 'temporarily unavailable')];
    let calls = 0;
    const answer = await startupRequest(
      'x',
      async () => {
        calls++;
        const f = failures.shift();
        if (f) throw f;
        return 'answered';
      },
      logger,
    );
    expect(answer).toBe('answered');
    expect(calls).toBe(3);
  });

  it('rejects with a StartupError once its wait is spent, never with the nats.js error', async () => {
    const last = new TimeoutError();
    const e = await startupRequest('open KV bucket JETBUS_CANCELLED', () => Promise.reject(last), logger, {
      waitMs: 1,
    }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(StartupError);
    expect(e).toMatchObject({ step: 'open KV bucket JETBUS_CANCELLED', cause: last });
  });

  it('retries "no responders" only on a clustered connection', async () => {
    for (const clustered of [false, true]) {
      let calls = 0;
      const result = await startupRequest(
        'x',
        async () => {
          if (++calls === 1) throw noResponders();
          return 'answered';
        },
        logger,
        { clustered },
      ).catch((e: unknown) => e);
      expect(clustered ? result : (result as StartupError).step).toBe(clustered ? 'answered' : 'x');
      expect(calls).toBe(clustered ? 2 : 1);
    }
  });
});
