import { type INestApplicationContext, Injectable } from '@nestjs/common';
import { JetbusClient, JetbusServer, JobHandler, NoStreamForSubjectError, StartupError } from '@jetbus/core';
import { NatsCluster } from '@jetbus/testing';
import { captureLogs, startJetbusApp } from '../support/jetbus-app';

/*
 * A worker that starts when its cluster cannot answer: 2 of 3 nodes stopped, so nothing has a leader
 * and every JetStream request goes unanswered. start() waits out the election budget (30 s) on its
 * first request and then rejects with a StartupError naming it, not with nats.js' TimeoutError and
 * not never. The same with one request faulted at a time: startup-elections.e2e.ts.
 */

const STREAM = 'NOQUORUM';

@Injectable()
class Jobs {
  @JobHandler('nq.job', { stream: STREAM, durable: 'nq-job' })
  run(): void {}
}

describe('a worker starting while its cluster has no majority', () => {
  let cluster: NatsCluster;
  let app: INestApplicationContext | undefined;

  beforeAll(async () => {
    cluster = await NatsCluster.start({ nodes: 3 });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await cluster?.stop();
  });

  it('rejects start() with a StartupError naming the request it waited for', async () => {
    const logs = captureLogs();
    app = await startJetbusApp(
      {
        servers: cluster.urls,
        name: 'nq',
        logger: logs.logger,
        reconnectTimeWait: 100,
        streams: [{ name: STREAM, subjects: ['nq.>'], replicas: 3 }],
        deadLetter: false,
        heartbeat: false,
      },
      [Jobs],
      { start: false },
    );
    await Promise.all([cluster.servers[1].kill(), cluster.servers[2].kill()]);

    const e = await app
      .get(JetbusServer)
      .start()
      .then(
        () => new Error('start() resolved'),
        (err: unknown) => err,
      );
    expect(e).toBeInstanceOf(StartupError);
    const { step, message } = e as StartupError;
    // The info, or the create when a meta leader that had not yet noticed it lost its majority said
    // the consumer does not exist.
    expect(step).toMatch(/^(consumer info|create consumer) NOQUORUM\/nq-job$/);
    expect(message).toContain('JetStream did not answer within 30s');
    // It said what it was waiting for while it waited.
    expect(logs.records).toContainEqual(expect.objectContaining({ what: step, level: 40 }));
  }, 55_000);

  it('fails a publish no stream answers with NoStreamForSubjectError saying how long it tried', async () => {
    // The connection is to a cluster: "no responders" may be an election, so it was retried.
    const e = await app!
      .get(JetbusClient)
      .publish('nowhere.job', { n: 1 }, { timeout: '500ms' })
      .then(
        () => new Error('publish resolved'),
        (err: unknown) => err,
      );
    expect(e).toBeInstanceOf(NoStreamForSubjectError);
    expect((e as NoStreamForSubjectError).waitedMs).toBe(500);
    expect((e as Error).message).toMatch(
      /^no JetStream stream answered for subject "nowhere\.job" within 500 ms/,
    );
  });
});
