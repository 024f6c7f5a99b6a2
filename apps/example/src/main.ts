import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { JetbusServer } from '@jetbus/core';
import { OrdersModule } from './orders.module';

/** The orders worker: consumes until SIGINT/SIGTERM, then drains in-flight jobs and exits. */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(OrdersModule);
  app.enableShutdownHooks();
  await app.get(JetbusServer).start();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
