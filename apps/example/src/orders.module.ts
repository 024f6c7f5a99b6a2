import { Module } from '@nestjs/common';
import { JetbusModule } from '@jetbus/core';
import { EmailJobs } from './email-jobs.service';
import { OrderJobs } from './order-jobs.service';
import { StockService } from './stock.service';

export const ORDER_STREAMS = [
  // Jobs: a work queue, each job removed once done. `discard: new` refuses jobs when full rather
  // than dropping queued ones.
  { name: 'ORDERS', subjects: ['orders.created'], retention: 'workqueue' as const, maxMsgs: 1_000_000 },
  { name: 'EMAILS', subjects: ['emails.>'], retention: 'workqueue' as const },
  // Events: kept a day for any number of subscribing services (fan-out).
  { name: 'ORDER_EVENTS', subjects: ['orders.reserved'], retention: 'limits' as const, maxAge: '1d' },
];

@Module({
  imports: [
    JetbusModule.forRootAsync({
      useFactory: () => ({
        servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
        credsFile: process.env.NATS_CREDS || undefined,
        name: 'orders',
        streams: ORDER_STREAMS,
      }),
    }),
  ],
  providers: [StockService, OrderJobs, EmailJobs],
})
export class OrdersModule {}
