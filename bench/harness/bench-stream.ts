import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { BENCH_DURABLE, BENCH_STREAM, BENCH_STREAM_SUBJECTS, BENCH_SUBJECT } from './job';

/** The work-queue stream in raw nats.js terms: what jetbus creates for `retention: 'workqueue'`. */
export const benchStreamConfig = (): Partial<StreamConfig> & { name: string } => ({
  name: BENCH_STREAM,
  subjects: BENCH_STREAM_SUBJECTS,
  retention: RetentionPolicy.Workqueue,
  storage: StorageType.File,
  discard: DiscardPolicy.New,
});

/** The durable pull consumer jetbus derives from its handler defaults, spelled out for raw nats.js. */
export const benchConsumerConfig = (): Partial<ConsumerConfig> => ({
  durable_name: BENCH_DURABLE,
  filter_subject: BENCH_SUBJECT,
  ack_policy: AckPolicy.Explicit,
  deliver_policy: DeliverPolicy.All,
  ack_wait: nanos(30_000),
  max_deliver: 5,
  max_ack_pending: 1_000,
});
