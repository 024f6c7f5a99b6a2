import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { JetbusClient, JetbusConnection, JetbusServer } from '@jetbus/core';
import { EmailJobs } from './email-jobs.service';
import { OrderCreated } from './order-created.dto';
import { OrdersModule } from './orders.module';

const ORDERS = 20;

/**
 * Runs the orders service in-process, enqueues demo orders (plus one a handler rejects and one
 * invalid payload), and waits until every e-mail job went out.
 */
async function demo(): Promise<void> {
  const app = await NestFactory.createApplicationContext(OrdersModule, { logger: ['log', 'warn', 'error'] });
  app.enableShutdownHooks();
  await app.get(JetbusServer).start();
  const bus = app.get(JetbusClient);
  const emails = app.get(EmailJobs);
  const runId = Date.now().toString(36);

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

  // A business failure (not retried) and a payload the DTO rejects: both are logged, not lost.
  await bus.publish('orders.created', {
    id: `${runId}-plum`,
    customerEmail: 'plum@example.com',
    items: [{ sku: 'plum', qty: 99 }],
  });
  await bus.publish('orders.created', { id: `${runId}-bad`, customerEmail: 'not-an-email', items: [] });

  const deadline = Date.now() + 30_000;
  while (emails.sent.filter((m) => m.orderId.startsWith(runId)).length < ORDERS && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const sent = emails.sent.filter((m) => m.orderId.startsWith(runId)).length;
  const info = await app.get(JetbusConnection).jsm.consumers.info('ORDERS', 'orders_orders-created');
  console.log(
    `processed: ${sent}/${ORDERS} orders e-mailed; ORDERS consumer pending=${info.num_pending} ack-pending=${info.num_ack_pending}`,
  );
  await app.close();
  if (sent !== ORDERS) {
    console.error('demo did not finish in 30 s');
    process.exit(1);
  }
}

demo().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
