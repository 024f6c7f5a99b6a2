import { AckPolicy, type ConsumerConfig, DeliverPolicy } from '@nats-io/jetstream';
import { consumerDrift } from './consumer-drift';

const live = {
  durable_name: 'orders',
  ack_policy: AckPolicy.Explicit,
  deliver_policy: DeliverPolicy.All,
  ack_wait: 30e9,
  max_deliver: 5,
  filter_subject: 'orders.created',
  backoff: [1e9, 5e9],
  replay_policy: 'instant',
} as ConsumerConfig;

describe('consumerDrift', () => {
  it('is empty when every declared field matches, ignoring fields nobody declares', () => {
    expect(consumerDrift([{ ack_wait: 30e9, max_deliver: 5, backoff: [1e9, 5e9] }], live)).toEqual([]);
  });

  it('names each differing field with the declared and the actual value, sorted by field', () => {
    expect(consumerDrift([{ max_deliver: 10, ack_wait: 60e9, backoff: [1e9] }], live)).toEqual([
      { field: 'ack_wait', declared: 60e9, actual: 30e9 },
      { field: 'backoff', declared: [1e9], actual: [1e9, 5e9] },
      { field: 'max_deliver', declared: 10, actual: 5 },
    ]);
  });

  it('reports a field the server does not have as null', () => {
    expect(consumerDrift([{ max_ack_pending: 100 }], live)).toEqual([
      { field: 'max_ack_pending', declared: 100, actual: null },
    ]);
  });

  it('counts two workers declaring the same value once, and shows both of two different values', () => {
    expect(consumerDrift([{ max_deliver: 10 }, { max_deliver: 10 }, { max_deliver: 3 }], live)).toEqual([
      { field: 'max_deliver', declared: 10, actual: 5 },
      { field: 'max_deliver', declared: 3, actual: 5 },
    ]);
  });
});
