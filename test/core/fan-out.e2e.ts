import { type INestApplicationContext, Injectable } from '@nestjs/common';
import { JetbusClient, JetbusConnection, JobHandler, Payload } from '@jetbus/core';
import { NatsServer } from '@jetbus/testing';
import { startJetbusApp } from '../support/jetbus-app';
import { waitFor } from '../support/wait-for';

const seenByBilling: string[] = [];
const seenByShipping: string[] = [];

@Injectable()
class BillingListener {
  @JobHandler('events.order-paid')
  onPaid(@Payload() e: { id: string }): void {
    seenByBilling.push(e.id);
  }
}

@Injectable()
class ShippingListener {
  @JobHandler('events.order-paid')
  onPaid(@Payload() e: { id: string }): void {
    seenByShipping.push(e.id);
  }
}

describe('fan-out: two services subscribed to one subject', () => {
  let server: NatsServer;
  const apps: INestApplicationContext[] = [];

  beforeAll(async () => {
    server = await NatsServer.start();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await server?.stop();
  });

  it('delivers every event to each service, through its own durable', async () => {
    const streams = [{ name: 'EVENTS', subjects: ['events.>'] }];
    apps.push(
      await startJetbusApp({ servers: server.url, name: 'billing', streams, logger: false }, [
        BillingListener,
      ]),
    );
    apps.push(
      await startJetbusApp({ servers: server.url, name: 'shipping', streams, logger: false }, [
        ShippingListener,
      ]),
    );

    const ids = Array.from({ length: 100 }, (_, i) => `evt-${i}`);
    await apps[0]
      .get(JetbusClient)
      .publishMany(ids.map((id) => ({ subject: 'events.order-paid', data: { id } })));

    await waitFor(
      'both services saw all events',
      () => seenByBilling.length >= 100 && seenByShipping.length >= 100,
    );
    expect([...seenByBilling].sort()).toEqual([...ids].sort());
    expect([...seenByShipping].sort()).toEqual([...ids].sort());
    const names: string[] = [];
    for await (const c of apps[0].get(JetbusConnection).jsm.consumers.list('EVENTS')) names.push(c.name);
    expect(names.sort()).toEqual(['billing_events-order-paid', 'shipping_events-order-paid']);
  });
});
