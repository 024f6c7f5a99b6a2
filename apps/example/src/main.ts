import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { JetbusServer } from '@jetbus/core';
import { connectionFromEnv } from './nats-connection';
import { OrdersModule } from './orders.module';

/**
 * The orders worker: consumes until SIGINT/SIGTERM, then drains in-flight jobs and exits.
 * Connects to `NATS_URL` as `NATS_CREDS` with `NATS_INBOX_PREFIX` (all optional).
 */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(OrdersModule.forRoot(connectionFromEnv()));
  app.enableShutdownHooks();
  await app.get(JetbusServer).start();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
