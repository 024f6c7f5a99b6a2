import { type DynamicModule, Module } from '@nestjs/common';
import { JetbusModule, type JetbusStreamOptions } from '@jetbus/core';
import { EmailJobs } from './email-jobs.service';
import { type NatsConnectionSettings } from './nats-connection';
import { OrderJobs } from './order-jobs.service';
import { StockService } from './stock.service';

/** The example's streams, with `replicas` copies each in a cluster (R3 on the compose cluster). */
export function orderStreams(replicas = 1): JetbusStreamOptions[] {
  return [
    // Jobs: a work queue, each job removed once done. `discard: new` refuses jobs when full rather
    // than dropping queued ones.
    { name: 'ORDERS', subjects: ['orders.created'], retention: 'workqueue', maxMsgs: 1_000_000, replicas },
    { name: 'EMAILS', subjects: ['emails.>'], retention: 'workqueue', replicas },
    // Events: kept a day for any number of subscribing services (fan-out).
    { name: 'ORDER_EVENTS', subjects: ['orders.reserved'], retention: 'limits', maxAge: '1d', replicas },
  ];
}

/**
 * The orders service. It declares its streams: with an admin-created setup (scripts/demo.sh) its
 * least-privilege user only checks them; on a dev server without auth it creates them.
 */
@Module({})
export class OrdersModule {
  static forRoot({ replicas = 1, ...connection }: NatsConnectionSettings): DynamicModule {
    return {
      module: OrdersModule,
      imports: [
        JetbusModule.forRoot({
          ...connection,
          name: 'orders',
          streams: orderStreams(replicas),
          deadLetter: { replicas },
        }),
      ],
      providers: [StockService, OrderJobs, EmailJobs],
    };
  }
}
