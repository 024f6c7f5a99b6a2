import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { connectionFromEnv } from './nats-connection';
import { StreamsSetupModule } from './streams-setup.module';

/**
 * The setup step of a deployment (docker-compose.yml's `setup` service): creates or updates the
 * example's streams and the dead-letter stream as an admin user, with `JETBUS_STREAM_REPLICAS`
 * replicas, then exits 0. The workers' least-privilege user then only checks them.
 */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(StreamsSetupModule.forRoot(connectionFromEnv()), {
    logger: ['warn', 'error'],
  });
  await app.close();
  console.log('streams ready');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
