import 'reflect-metadata';
import { type INestApplicationContext, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JetbusClient, JetbusConnection, JetbusServer } from '@jetbus/core';
import { EmailJobs } from './email-jobs.service';
import { connectionAs } from './nats-connection';
import { OrderCreated } from './order-created.dto';
import { OrdersModule } from './orders.module';
import { PublisherModule } from './publisher.module';
import { StreamsSetupModule } from './streams-setup.module';

const ORDERS = 20;
/** The plum order (out of stock) and the invalid payload. */
const EXPECTED_DEAD_LETTERS = 2;
const QUIET: LogLevel[] = ['warn', 'error'];
const QUIET_APP = { logger: QUIET };

const describe = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

async function deadLetterCount(app: INestApplicationContext): Promise<number> {
  return (await app.get(JetbusConnection).jsm.streams.info('JETBUS_DLQ')).state.messages;
}

/**
 * Three processes' worth of the example in one: an admin sets up the streams, the orders service
 * consumes, a publisher enqueues demo orders (plus one a handler rejects and one invalid payload).
 * With `JETBUS_AUTH_DIR` (scripts/demo.sh) each runs as its own least-privilege user.
 */
async function demo(): Promise<void> {
  const secured = Boolean(process.env.JETBUS_AUTH_DIR);

  const setup = await NestFactory.createApplicationContext(
    StreamsSetupModule.forRoot(connectionAs('admin')),
    QUIET_APP,
  );
  await setup.close();

  // Nest's log levels are process-wide: the last app created sets them, so the service comes last.
  const api = await NestFactory.createApplicationContext(
    PublisherModule.forRoot(connectionAs('producer')),
    QUIET_APP,
  );
  api.enableShutdownHooks();
  const service = await NestFactory.createApplicationContext(OrdersModule.forRoot(connectionAs('orders')), {
    logger: ['log', ...QUIET],
  });
  service.enableShutdownHooks();
  await service.get(JetbusServer).start();
  const bus = api.get(JetbusClient);
  const emails = service.get(EmailJobs);
  const runId = Date.now().toString(36);
  const deadBefore = await deadLetterCount(service);

  if (secured) {
    // The publisher's user may enqueue orders and nothing else.
    const refused = await bus.publish('emails.send', { to: 'x@example.com' }).then(
      () => 'accepted (the policy is too wide!)',
      (e: unknown) => describe(e),
    );
    console.log(`least privilege: the publisher tried emails.send -> ${refused}`);
  }

  const orders: OrderCreated[] = Array.from({ length: ORDERS }, (_, i) => ({
    id: `${runId}-${i + 1}`,
    customerEmail: `customer${i + 1}@example.com`,
    items: [{ sku: i % 2 ? 'apple' : 'pear', qty: 1 + (i % 3) }],
  }));
  const acks = await bus.publishMany(
    orders.map((o) => ({
      subject: 'orders.created',
      data: o,
      options: { msgId: `order:${o.id}`, dto: OrderCreated },
    })),
  );
  console.log(
    `enqueued ${acks.length} orders (stream ${acks[0].stream}, seq ${acks[0].seq}..${acks.at(-1)!.seq})`,
  );

  // A business failure (not retried) and a payload the DTO rejects: both are dead-lettered, not lost.
  await bus.publish('orders.created', {
    id: `${runId}-plum`,
    customerEmail: 'plum@example.com',
    items: [{ sku: 'plum', qty: 99 }],
  });
  await bus.publish('orders.created', { id: `${runId}-bad`, customerEmail: 'not-an-email', items: [] });

  const sentOf = () => emails.sent.filter((m) => m.orderId.startsWith(runId)).length;
  let dead = 0;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    dead = (await deadLetterCount(service)) - deadBefore;
    if (sentOf() >= ORDERS && dead >= EXPECTED_DEAD_LETTERS) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const sent = sentOf();
  const info = await service.get(JetbusConnection).jsm.consumers.info('ORDERS', 'orders_orders-created');
  await api.close();
  await service.close();
  console.log(
    `processed: ${sent}/${ORDERS} orders e-mailed; ${dead} dead-lettered to JETBUS_DLQ; ` +
      `ORDERS consumer pending=${info.num_pending} ack-pending=${info.num_ack_pending}`,
  );
  if (sent !== ORDERS || dead !== EXPECTED_DEAD_LETTERS) {
    console.error('demo did not finish in 30 s');
    process.exit(1);
  }
}

demo().catch((err: unknown) => {
  console.error(describe(err));
  process.exit(1);
});
