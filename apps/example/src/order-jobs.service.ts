import { Injectable } from '@nestjs/common';
import { Ctx, JetbusClient, type JetbusContext, JobHandler, Payload } from '@jetbus/core';
import { OrderCreated } from './order-created.dto';
import { StockService } from './stock.service';

@Injectable()
export class OrderJobs {
  constructor(
    private readonly bus: JetbusClient,
    private readonly stock: StockService,
  ) {}

  /**
   * Reserve stock for a new order, then queue the confirmation e-mail. The stream is named, so the
   * service's user needs no permission to list streams (`$JS.API.STREAM.NAMES`).
   */
  @JobHandler('orders.created', {
    stream: 'ORDERS',
    concurrency: 16,
    maxAttempts: 5,
    backoff: { type: 'exponential', delay: '1s' },
  })
  async reserve(@Payload() order: OrderCreated, @Ctx() ctx: JetbusContext): Promise<void> {
    this.stock.reserve(order.id, order.items);
    // The msgId makes a redelivered job's second publish a no-op within the duplicate window.
    await this.bus.publish(
      'emails.send',
      { to: order.customerEmail, template: 'order-confirmed', orderId: order.id },
      { msgId: `email:order-confirmed:${order.id}` },
    );
    await this.bus.publish(
      'orders.reserved',
      { id: order.id, attempt: ctx.attempt },
      { msgId: `reserved:${order.id}` },
    );
  }
}
