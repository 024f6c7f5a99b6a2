import { Injectable } from '@nestjs/common';
import { JobHandler, Payload } from '@jetbus/core';
import { useJetbus } from '../support/use-jetbus';
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
  const streams = [{ name: 'EVENTS', subjects: ['events.>'] }];
  const t = useJetbus({ name: 'billing', streams }, [BillingListener]);

  it('delivers every event to each service, through its own durable', async () => {
    await t.startApp({ name: 'shipping', streams }, [ShippingListener]);

    const ids = Array.from({ length: 100 }, (_, i) => `evt-${i}`);
    await t.bus.publishMany(ids.map((id) => ({ subject: 'events.order-paid', data: { id } })));

    await waitFor(
      'both services saw all events',
      () => seenByBilling.length >= 100 && seenByShipping.length >= 100,
    );
    expect([...seenByBilling].sort()).toEqual([...ids].sort());
    expect([...seenByShipping].sort()).toEqual([...ids].sort());
    const names: string[] = [];
    for await (const c of t.jsm.consumers.list('EVENTS')) names.push(c.name);
    expect(names.sort()).toEqual(['billing_events-order-paid', 'shipping_events-order-paid']);
  });
});
