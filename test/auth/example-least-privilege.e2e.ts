import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type INestApplicationContext, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import YAML from 'yaml';
import {
  type JetbusContext,
  JetbusClient,
  JetbusConfigError,
  JetbusConnection,
  JetbusModule,
  JetbusServer,
  JobHandler,
  Ctx,
  Payload,
  PermissionDeniedError,
} from '@jetbus/core';
import { EmailJobs } from '../../apps/example/src/email-jobs.service';
import { OrdersModule } from '../../apps/example/src/orders.module';
import { PublisherModule } from '../../apps/example/src/publisher.module';
import { StreamsSetupModule } from '../../apps/example/src/streams-setup.module';
import { readDeadLetters } from '../support/dead-letters';
import { waitFor } from '../support/wait-for';
import { OperatorServer, type UserConnection } from './support/operator-server';
import { failure } from '../support/failure';

/*
 * The example exactly as scripts/demo.sh runs it: its own policy file (apps/example/jetbus-auth.yaml)
 * compiled by @jetbus/auth, a server in operator mode, and the example's modules each connected as
 * its least-privilege user. A second service, shipping, is added to the policy the way a team would:
 * one `service` role for its own durable on the orders' events.
 */

process.env.JETBUS_LOG_LEVEL = 'silent';

const EXAMPLE_POLICY = path.join(__dirname, '..', '..', 'apps', 'example', 'jetbus-auth.yaml');
const ORDERS_DURABLE = 'orders_orders-created';

function policyWithShipping(): string {
  const doc = YAML.parse(readFileSync(EXAMPLE_POLICY, 'utf8')) as {
    roles: Record<string, unknown>;
    accounts: { APP: { users: Record<string, unknown> } };
  };
  doc.roles['shipping-events'] = {
    service: { stream: 'ORDER_EVENTS', consumer: 'shipping_orders-reserved' },
  };
  doc.accounts.APP.users.shipping = { roles: ['shipping-events'], inboxPrefix: '_INBOX_shipping' };
  return YAML.stringify(doc);
}

const reservedIds: string[] = [];

@Injectable()
class ShippingJobs {
  @JobHandler('orders.reserved', { stream: 'ORDER_EVENTS' })
  ship(@Payload() event: { id: string }): void {
    reservedIds.push(event.id);
  }
}

/** A shipping instance misconfigured to pull the orders service's durable. */
@Injectable()
class StolenOrderJobs {
  @JobHandler('orders.created', { stream: 'ORDERS', durable: ORDERS_DURABLE })
  steal(@Payload() order: unknown, @Ctx() ctx: JetbusContext): void {
    throw new Error(`must never run (${ctx.subject} ${JSON.stringify(order)})`);
  }
}

function shippingApp(connection: UserConnection, handlers: (typeof ShippingJobs | typeof StolenOrderJobs)[]) {
  @Module({
    imports: [JetbusModule.forRoot({ ...connection, name: 'shipping', logger: false, deadLetter: false })],
    providers: handlers,
  })
  class ShippingModule {}
  return NestFactory.createApplicationContext(ShippingModule, { logger: false, abortOnError: false });
}

describe('the example under least-privilege users (operator mode)', () => {
  let nats: OperatorServer;
  let admin: INestApplicationContext;
  let service: INestApplicationContext;
  let api: INestApplicationContext;
  const apps: INestApplicationContext[] = [];
  const open = async (app: Promise<INestApplicationContext>) => {
    const a = await app;
    apps.push(a);
    return a;
  };
  const messages = async (stream: string) =>
    (await admin.get(JetbusConnection).jsm.streams.info(stream)).state.messages;
  const runId = Date.now().toString(36);
  const orderIds = Array.from({ length: 5 }, (_, i) => `${runId}-${i}`);

  beforeAll(async () => {
    nats = await OperatorServer.start(policyWithShipping());
    // The setup step: the admin creates the streams (and the DLQ and advisory streams).
    admin = await open(
      NestFactory.createApplicationContext(StreamsSetupModule.forRoot(nats.as('admin')), {
        logger: false,
        abortOnError: false,
      }),
    );
    service = await open(
      NestFactory.createApplicationContext(OrdersModule.forRoot(nats.as('orders')), {
        logger: false,
        abortOnError: false,
      }),
    );
    await service.get(JetbusServer).start();
    api = await open(
      NestFactory.createApplicationContext(PublisherModule.forRoot(nats.as('producer')), {
        logger: false,
        abortOnError: false,
      }),
    );
  });
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await nats?.stop();
  });

  it('runs the orders: the producer enqueues, the service reserves, e-mails and dead-letters a refused order', async () => {
    const bus = api.get(JetbusClient);
    for (const id of orderIds) {
      await bus.publish('orders.created', {
        id,
        customerEmail: `${id}@example.com`,
        items: [{ sku: 'apple', qty: 1 }],
      });
    }
    const plum = await bus.publish('orders.created', {
      id: `${runId}-plum`,
      customerEmail: 'plum@example.com',
      items: [{ sku: 'plum', qty: 99 }],
    });

    const emails = service.get(EmailJobs);
    await waitFor('every order e-mailed', () => emails.sent.length === orderIds.length);
    expect(emails.sent.map((m) => m.orderId).sort()).toEqual([...orderIds].sort());
    await waitFor('the plum order dead-lettered', async () => (await messages('JETBUS_DLQ')) === 1);

    const [dead] = await readDeadLetters(admin.get(JetbusConnection).jsm);
    expect(dead).toMatchObject({
      dlqSubject: 'dlq.orders.created',
      subject: 'orders.created',
      stream: 'ORDERS',
      seq: plum.seq,
      consumer: ORDERS_DURABLE,
      reason: 'error',
      errorClass: 'NonRetryableError',
      errorMessage: 'out of stock: plum (3 left, 99 wanted)',
    });
    expect(JSON.parse(dead.body)).toMatchObject({ id: `${runId}-plum` });
    // Work queues: every job settled is gone, the refused one included. It is terminated after its
    // dead letter is stored and recorded in the attempt ledger, so the term may come a moment later.
    await waitFor('the plum order terminated', async () => (await messages('ORDERS')) === 0);
    expect(await messages('EMAILS')).toBe(0);
    expect(await messages('ORDER_EVENTS')).toBe(orderIds.length);
  });

  it('refuses the producer any other subject with a typed error naming user and subject; nothing is stored', async () => {
    const bus = api.get(JetbusClient);
    for (const subject of ['emails.send', 'orders.reserved']) {
      const e = await failure(bus.publish(subject, { id: 'forged' }));
      expect(e).toBeInstanceOf(PermissionDeniedError);
      expect(e).toMatchObject({ code: 'PERMISSION_DENIED', user: 'producer', operation: 'publish', subject });
    }
    expect(await messages('EMAILS')).toBe(0);
    expect(await messages('ORDER_EVENTS')).toBe(orderIds.length);
  });

  it('lets the orders service check its streams but not create, purge or delete any', async () => {
    const { jsm } = service.get(JetbusConnection);
    expect((await jsm.streams.info('ORDERS')).config.name).toBe('ORDERS');
    const attempts: [Promise<unknown>, string][] = [
      [jsm.streams.add({ name: 'ROGUE', subjects: ['rogue.>'] }), '$JS.API.STREAM.CREATE.ROGUE'],
      [jsm.streams.purge('ORDERS'), '$JS.API.STREAM.PURGE.ORDERS'],
      [jsm.streams.delete('JETBUS_DLQ'), '$JS.API.STREAM.DELETE.JETBUS_DLQ'],
      [jsm.consumers.info('EMAILS', 'someone-else'), '$JS.API.CONSUMER.INFO.EMAILS.someone-else'],
    ];
    for (const [attempt, subject] of attempts) {
      expect(await failure(attempt)).toMatchObject({
        name: 'PermissionDeniedError',
        user: 'orders',
        operation: 'publish',
        subject,
      });
    }
    expect(await messages('JETBUS_DLQ')).toBe(1);
  });

  it("stops another service's user at startup when it tries to pull the orders durable, naming the consumer", async () => {
    const app = await open(shippingApp(nats.as('shipping'), [StolenOrderJobs]));
    const e = await failure(app.get(JetbusServer).start());
    expect(e).toBeInstanceOf(PermissionDeniedError);
    expect(e).toMatchObject({
      user: 'shipping',
      operation: 'publish',
      subject: `$JS.API.CONSUMER.INFO.ORDERS.${ORDERS_DURABLE}`,
    });
    expect(e.message).toBe(
      `permission denied: user shipping may not publish "$JS.API.CONSUMER.INFO.ORDERS.${ORDERS_DURABLE}"`,
    );
  });

  it('lets that service create and consume its own durable on the orders events (fan-out)', async () => {
    const app = await open(shippingApp(nats.as('shipping'), [ShippingJobs]));
    await app.get(JetbusServer).start();
    await waitFor('every reserved event shipped', () => reservedIds.length === orderIds.length);
    expect([...reservedIds].sort()).toEqual([...orderIds].sort());
  });

  it('says which option to fix when a user connects without its inbox prefix', async () => {
    const { inboxPrefix, ...withoutPrefix } = nats.as('orders');
    expect(inboxPrefix).toBe('_INBOX_orders');
    const e = await failure(
      NestFactory.createApplicationContext(StreamsSetupModule.forRoot(withoutPrefix), {
        logger: false,
        abortOnError: false,
      }),
    );
    expect(e).toBeInstanceOf(JetbusConfigError);
    expect(e).toMatchObject({ option: 'inboxPrefix' });
    expect(e.message).toContain('user orders may not receive replies on "_INBOX.');
  });
});
