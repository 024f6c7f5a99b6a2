import { type INestApplicationContext } from '@nestjs/common';
import pino from 'pino';
import { JetbusConnection } from '@jetbus/core';
// Internal: writes a dead letter as a worker would.
import { StreamDeadLetterSink } from '../../libs/core/src/dead-letter';
import { startJetbusApp } from '../support/jetbus-app';
import { jetbus } from './support/jetbus-cli';
import { OperatorServer } from './support/operator-server';

/*
 * `jetbus dlq replay` as a user that may not publish the dead letter's subject: the dead letter is
 * kept, and the report names the user and the subject (README, Security model: "Every JetStream
 * request or publish refused by permissions rejects with PermissionDeniedError naming user and
 * subject"). Before, the CLI's report said `user (unknown)`.
 */

const POLICY = `
operator: { name: jetbus-e2e-dlq-replay-denied }
roles:
  ops: { admin: { publish: [dlq.>] } }
accounts:
  APP:
    users:
      ops: { roles: [ops], inboxPrefix: _INBOX_ops }
`;

describe('jetbus dlq replay refused by permissions (operator mode)', () => {
  let nats: OperatorServer;
  let app: INestApplicationContext | undefined;

  beforeAll(async () => {
    nats = await OperatorServer.start(POLICY);
  });
  afterAll(async () => {
    await app?.close();
    await nats?.stop();
  });

  it('keeps the dead letter and names the user and the subject', async () => {
    app = await startJetbusApp(
      {
        ...nats.as('ops'),
        name: 'ops',
        logger: false,
        streams: [{ name: 'ORDERS', subjects: ['orders.>'], retention: 'workqueue' }],
      },
      [],
      { start: false },
    );
    const ops = app.get(JetbusConnection);
    const sink = new StreamDeadLetterSink(
      ops.js,
      { stream: 'JETBUS_DLQ', subjectPrefix: 'dlq', publishTimeoutMs: 2_000, maxPayload: ops.maxPayload },
      pino({ level: 'silent' }),
    );
    const dlqSeq = await sink.writeRecord({
      subject: 'orders.created',
      data: new TextEncoder().encode('{"id":"o1"}'),
      headers: undefined,
      stream: 'ORDERS',
      seq: 1,
      consumer: 'orders_orders-created',
      attempts: 1,
      reason: 'error',
      error: new Error('declined'),
    });

    const run = await jetbus(
      ['dlq', 'replay', String(dlqSeq), '--server', nats.url, '--creds', nats.credsFile('ops')],
      { cwd: nats.dir, env: { NATS_INBOX_PREFIX: '_INBOX_ops' } },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('permission denied: user ops may not publish "orders.created"');
    expect(await ops.jsm.streams.getMessage('JETBUS_DLQ', { seq: dlqSeq })).toBeTruthy();
  });
});
