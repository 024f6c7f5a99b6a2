import { type DynamicModule, Module } from '@nestjs/common';
import { JetbusModule } from '@jetbus/core';
import { type NatsConnectionSettings } from './nats-connection';

/**
 * A publish-only app (the demo publisher; an HTTP API in real life). It declares no streams and runs
 * no handlers, so it needs no dead-letter streams either: its user may publish `orders.created` and
 * read its own replies, nothing else.
 */
@Module({})
export class PublisherModule {
  static forRoot({
    replicas: _streamsAreNotItsConcern,
    ...connection
  }: NatsConnectionSettings): DynamicModule {
    return {
      module: PublisherModule,
      imports: [JetbusModule.forRoot({ ...connection, name: 'orders-api', deadLetter: false })],
    };
  }
}
