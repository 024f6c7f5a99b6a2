import { type INestApplicationContext, Injectable } from '@nestjs/common';
import { JetbusClient, JetbusConnection, JobHandler, NonRetryableError, Payload } from '@jetbus/core';
import { NatsServer } from '@jetbus/testing';
import { readDeadLetters } from '../support/dead-letters';
import { captureLogs, startJetbusApp } from '../support/jetbus-app';
import { waitFor } from '../support/wait-for';

@Injectable()
class SplitJobs {
  @JobHandler('split.billing', { deadLetter: { stream: 'BILLING_DLQ', subjectPrefix: 'dlq-billing' } })
  billing(@Payload() _job: object): void {
    throw new NonRetryableError('card declined');
  }

  @JobHandler('split.default')
  other(@Payload() _job: object): void {
    throw new NonRetryableError('nope');
  }

  @JobHandler('split.quiet', { deadLetter: false })
  quiet(@Payload() _job: object): void {
    throw new NonRetryableError('ignored on purpose');
  }
}

describe('dead letters configured per handler', () => {
  let server: NatsServer;
  let app: INestApplicationContext;
  const logs = captureLogs();

  beforeAll(async () => {
    server = await NatsServer.start();
    app = await startJetbusApp(
      {
        servers: server.url,
        name: 'split',
        logger: logs.logger,
        streams: [
          { name: 'SPLIT', subjects: ['split.>'], retention: 'workqueue' },
          { name: 'BILLING_DLQ', subjects: ['dlq-billing.>'] },
        ],
      },
      [SplitJobs],
    );
  });
  afterAll(async () => {
    await app?.close();
    await server?.stop();
  });

  it("sends a handler's dead letters to its own stream, the rest to the module's, or only logs them", async () => {
    const bus = app.get(JetbusClient);
    const billing = await bus.publish('split.billing', {});
    const other = await bus.publish('split.default', {});
    const quiet = await bus.publish('split.quiet', {});
    const { jsm } = app.get(JetbusConnection);
    await waitFor('all settled', async () => (await jsm.streams.info('SPLIT')).state.messages === 0);

    const own = await readDeadLetters(jsm, 'BILLING_DLQ');
    expect(own.map((d) => [d.dlqSubject, d.seq, d.errorMessage])).toEqual([
      ['dlq-billing.split.billing', billing.seq, 'card declined'],
    ]);
    const shared = await readDeadLetters(jsm, 'JETBUS_DLQ');
    expect(shared.map((d) => [d.dlqSubject, d.seq])).toEqual([['dlq.split.default', other.seq]]);
    const logged = logs.records.filter((r) => r.msg === 'job dead-lettered' && r.seq === quiet.seq);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ subject: 'split.quiet', reason: 'error', handler: 'SplitJobs.quiet' });
  });
});
