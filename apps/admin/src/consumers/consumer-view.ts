import { type ConsumerInfo } from '@nats-io/jetstream';
import { millis } from '@nats-io/transport-node';
import { type ConsumerDriftField } from './consumer-drift';
import { type ConsumerViewDto } from './dto/consumer-view.dto';

/**
 * `last_active` is an ISO time from nats-server 2.10 on; 2.9 sends none. nats.js types it as
 * nanoseconds, so anything but a parseable time string is treated as unknown.
 */
function activeAt(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.startsWith('0001-')) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function lastActive(info: ConsumerInfo): string | null {
  const times = [activeAt(info.delivered?.last_active), activeAt(info.ack_floor?.last_active)].filter(
    (t): t is number => t !== undefined,
  );
  return times.length ? new Date(Math.max(...times)).toISOString() : null;
}

export function toConsumerView(info: ConsumerInfo, drift: ConsumerDriftField[] | null): ConsumerViewDto {
  const { config } = info;
  const filters = config.filter_subject ? [config.filter_subject] : (config.filter_subjects ?? []);
  return {
    name: info.name,
    durable: config.durable_name ?? null,
    filterSubject: filters.length ? filters.join(',') : null,
    ackPolicy: config.ack_policy,
    deliverPolicy: config.deliver_policy,
    maxDeliver: config.max_deliver ?? -1,
    ackWaitMs: config.ack_wait !== undefined ? millis(config.ack_wait) : 0,
    maxAckPending: config.max_ack_pending ?? -1,
    backoffMs: (config.backoff ?? []).map((ns) => millis(ns)),
    numPending: info.num_pending,
    numAckPending: info.num_ack_pending,
    numRedelivered: info.num_redelivered,
    numWaiting: info.num_waiting,
    lastActive: lastActive(info),
    ...(info.paused !== undefined ? { paused: info.paused } : {}),
    drift,
  };
}
