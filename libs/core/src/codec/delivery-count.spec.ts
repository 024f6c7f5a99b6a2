import { type JsMsg } from '@nats-io/jetstream';
import { deliveryCount } from './delivery-count';

/** What nats.js's `info` answers; counted, since the point is not to ask it. */
const FROM_INFO = 99;

function delivered(reply: unknown) {
  let infoReads = 0;
  const msg = {
    reply,
    get info() {
      infoReads++;
      return { deliveryCount: FROM_INFO };
    },
  };
  return { msg: msg as unknown as JsMsg, infoReads: () => infoReads };
}

describe('deliveryCount', () => {
  it.each([
    ['the current form', '$JS.ACK.hub.ACCHASH.ORDERS.billing.3.1042.998.1700000000000000000.12.rnd', 3],
    [
      'the current form without the random token',
      '$JS.ACK._.ACCHASH.ORDERS.billing.17.5.5.1700000000000000000.0',
      17,
    ],
    ['the old form (nats-server 2.9)', '$JS.ACK.ORDERS.billing.1.7.7.1700000000000000000.0', 1],
    ['a large count', '$JS.ACK.ORDERS.billing.123456789.7.7.1700000000000000000.0', 123456789],
  ])('reads it from %s of the ack subject, without parsing info', (_, reply, count) => {
    const { msg, infoReads } = delivered(reply);
    expect(deliveryCount(msg)).toBe(count);
    expect(infoReads()).toBe(0);
  });

  it.each([
    ['no reply subject', undefined],
    ['a count that is not a number', '$JS.ACK.ORDERS.billing.x1.7.7.1700000000000000000.0'],
    ['an empty count', '$JS.ACK.ORDERS.billing..7.7.1700000000000000000.0'],
    ['10 tokens', '$JS.ACK.a.ORDERS.billing.1.7.7.1700000000000000000.0'],
    ['not an ack subject', '_INBOX.abc.1.2.3.4.5.6.7'],
  ])('leaves %s to msg.info, so the outcome (or the error) is nats.js’s own', (_, reply) => {
    const { msg, infoReads } = delivered(reply);
    expect(deliveryCount(msg)).toBe(FROM_INFO);
    expect(infoReads()).toBe(1);
  });
});
