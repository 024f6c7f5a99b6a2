import { type DynamicModule, Module } from '@nestjs/common';
import { JetbusModule } from '@jetbus/core';
import { type NatsConnectionSettings } from './nats-connection';
import { orderStreams } from './orders.module';

/**
 * Creates (or updates) the example's streams, the dead-letter stream and the advisory stream, as an
 * admin: starting this module is the whole setup step. Least-privilege services then only check them.
 */
@Module({})
export class StreamsSetupModule {
  static forRoot({ replicas = 1, ...connection }: NatsConnectionSettings): DynamicModule {
    return {
      module: StreamsSetupModule,
      imports: [
        JetbusModule.forRoot({
          ...connection,
          name: 'orders-setup',
          streams: orderStreams(replicas),
          deadLetter: { replicas },
        }),
      ],
    };
  }
}
