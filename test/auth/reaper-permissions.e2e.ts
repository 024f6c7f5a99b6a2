import { type INestApplicationContext, Injectable } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { connectUser } from '@jetbus/auth';
import { JetbusClient, JetbusConnection, JobHandler, Payload } from '@jetbus/core';
import { readDeadLetters } from '../support/dead-letters';
import { startJetbusApp } from '../support/jetbus-app';
import { waitFor } from '../support/wait-for';
import { OperatorServer } from './support/operator-server';

/*
 * The reaper under a service's least-privilege user: a worker of the billing service dies holding
 * a job on its last delivery; the server gives up after max_deliver and says so only in an
 * advisory; another billing instance's reaper, with nothing but the built-in roles' permissions,
 * moves the job into JETBUS_DLQ and removes it from the work queue.
 */

const DURABLE = 'billing_billing-charge';
const ACK_WAIT_MS = 1_000;

const POLICY = `
operator: { name: jetbus-e2e-reaper }
roles:
  ops: { admin: {} }
  billing-api: { producer: { subjects: [billing.charge] } }
  charge-jobs: { service: { stream: BILLING, consumer: ${DURABLE}, subjects: [billing.charge] } }
  dead-letters: { reaper: { streams: [BILLING], subjects: [billing.charge] } }
  dlq-check: { publish: { allow: [$JS.API.STREAM.INFO.JETBUS_DLQ] } }
accounts:
  APP:
    users:
      admin: { roles: [ops], inboxPrefix: _INBOX_admin }
      api: { roles: [billing-api], inboxPrefix: _INBOX_api }
      billing:
        roles: [charge-jobs, dead-letters, dlq-check]
        inboxPrefix: _INBOX_billing
`;

const BILLING = { name: 'BILLING', subjects: ['billing.charge'], retention: 'workqueue' as const };
const charged: string[] = [];

@Injectable()
class ChargeJobs {
  // crashLimit 0: the server's max_deliver and the reaper handle workers that die (with poison
  // isolation on, the job would instead run again alone and complete).
  @JobHandler('billing.charge', { stream: 'BILLING', maxAttempts: 1, crashLimit: 0, ackWait: ACK_WAIT_MS })
  charge(@Payload() c: { id: string }): void {
    charged.push(c.id);
  }
}

describe('the reaper under a service user (operator mode)', () => {
  let nats: OperatorServer;
  let admin: INestApplicationContext;
  let api: INestApplicationContext;
  let billing: INestApplicationContext | undefined;

  beforeAll(async () => {
    nats = await OperatorServer.start(POLICY);
    // Setup as admin: the streams and the durable (as a deploy step would create it).
    admin = await startJetbusApp(
      { ...nats.as('admin'), name: 'setup', logger: false, streams: [BILLING] },
      [],
      { start: false },
    );
    await admin.get(JetbusConnection).jsm.consumers.add('BILLING', {
      durable_name: DURABLE,
      filter_subject: 'billing.charge',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(ACK_WAIT_MS),
      max_deliver: 1,
      max_ack_pending: 1000,
    });
    api = await startJetbusApp({ ...nats.as('api'), name: 'api', logger: false, deadLetter: false }, [], {
      start: false,
    });
  });
  afterAll(async () => {
    await billing?.close();
    await api?.close();
    await admin?.close();
    await nats?.stop();
  });

  it('dead-letters the job of a worker that died on its last delivery, exactly once, and removes it', async () => {
    const bus = api.get(JetbusClient);
    const lost = await bus.publish('billing.charge', { id: 'lost' });

    // A billing worker (same user) takes the job and dies: no ack, no nak, connection gone.
    const doomed = await connectUser({ ...nats.as('billing'), reconnect: false });
    const consumer = await jetstream(doomed.nc).consumers.get('BILLING', DURABLE);
    const taken = await consumer.next({ expires: 5_000 });
    expect(taken?.seq).toBe(lost.seq);
    await doomed.nc.close();

    // Another instance runs the handler and the reaper under the same least-privilege user.
    billing = await startJetbusApp(
      { ...nats.as('billing'), name: 'billing', logger: false, streams: [BILLING] },
      [ChargeJobs],
    );
    const ok = await Promise.all(['a', 'b', 'c'].map((id) => bus.publish('billing.charge', { id })));

    const { jsm } = admin.get(JetbusConnection);
    await waitFor(
      'the lost job in the DLQ',
      async () => (await jsm.streams.info('JETBUS_DLQ')).state.messages === 1,
    );
    await waitFor('the healthy jobs charged', () => charged.length === ok.length);
    await waitFor('BILLING emptied', async () => (await jsm.streams.info('BILLING')).state.messages === 0);

    const dead = await readDeadLetters(jsm);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      dlqSubject: 'dlq.billing.charge',
      subject: 'billing.charge',
      stream: 'BILLING',
      seq: lost.seq,
      consumer: DURABLE,
      attempts: 1,
      reason: 'max-deliveries',
      errorClass: 'MaxDeliveriesExceeded',
    });
    expect(JSON.parse(dead[0].body)).toEqual({ id: 'lost' });
    expect([...charged].sort()).toEqual(['a', 'b', 'c']);
    // The advisory was settled: nothing left for another reaper to redo.
    await waitFor('the advisory acked', async () => {
      const info = await jsm.consumers.info('JETBUS_ADVISORIES', 'jetbus-reaper_BILLING');
      return info.num_pending === 0 && info.num_ack_pending === 0;
    });
  });
});
