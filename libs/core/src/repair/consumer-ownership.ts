import { type ConsumerInfo } from '@nats-io/jetstream';
import { subjectMatches } from '../dead-letter/dead-letter-filter';
import { type RepairConsumerView } from './stream-repair.report';

/**
 * What repair needs of a consumer, read from one `CONSUMER.INFO`. `created` and the filters
 * identify the consumer instance: a consumer deleted and recreated under the same name has a new
 * `created` and an ack floor that says nothing about the old one's messages.
 */
export interface ConsumerSnapshot {
  name: string;
  created: string;
  filterSubjects: string[];
  ackFloor: number;
  delivered: number;
  maxDeliver: number;
  deliverPolicy: string;
  numPending: number;
  numAckPending: number;
}

export function consumerSnapshot(info: ConsumerInfo): ConsumerSnapshot {
  const { config } = info;
  // 2.10+ may set `filter_subjects` (several); 2.9 only `filter_subject`. An empty string is no filter.
  const filterSubjects = config.filter_subjects?.length
    ? [...config.filter_subjects]
    : config.filter_subject
      ? [config.filter_subject]
      : [];
  return {
    name: info.name,
    created: info.created,
    filterSubjects,
    ackFloor: info.ack_floor.stream_seq,
    delivered: info.delivered.stream_seq,
    maxDeliver: config.max_deliver ?? -1,
    deliverPolicy: config.deliver_policy ?? 'all',
    numPending: info.num_pending,
    numAckPending: info.num_ack_pending,
  };
}

/** A consumer with no filter takes every subject of the stream. */
export const consumesSubject = (c: ConsumerSnapshot, subject: string): boolean =>
  c.filterSubjects.length === 0 || c.filterSubjects.some((f) => subjectMatches(f, subject));

/** The consumers whose filters match `subject`; in a work queue there is at most one. */
export const ownersOf = (subject: string, consumers: readonly ConsumerSnapshot[]): ConsumerSnapshot[] =>
  consumers.filter((c) => consumesSubject(c, subject));

/** The same consumer instance with the same filters: its ack floor still speaks for the same messages. */
export const sameConsumer = (a: ConsumerSnapshot, b: ConsumerSnapshot): boolean =>
  a.name === b.name &&
  a.created === b.created &&
  a.filterSubjects.length === b.filterSubjects.length &&
  a.filterSubjects.every((f, i) => f === b.filterSubjects[i]);

/**
 * Why this consumer's ack floor cannot be trusted, or undefined when it can. Every message between
 * the ack floor and `delivered` is pending or redelivering, so the floor must not pass `delivered`;
 * a state that says otherwise was damaged (a crash of the server mid-write) and proves nothing.
 */
export function untrustedFloor(c: ConsumerSnapshot): string | undefined {
  // A consumer that started later than the stream's first message has a floor above messages it
  // never delivered. nats-server 2.9 refuses anything but deliver-all on a work queue; should a
  // server ever allow it, such a floor proves nothing.
  if (c.deliverPolicy !== 'all') {
    return `deliver policy ${c.deliverPolicy}: its ack floor does not cover messages before its start`;
  }
  if (c.ackFloor > c.delivered) {
    return `ack floor ${c.ackFloor} is above the last delivered sequence ${c.delivered}`;
  }
  return undefined;
}

export function consumerView(c: ConsumerSnapshot, skipped?: string): RepairConsumerView {
  return {
    name: c.name,
    filterSubjects: c.filterSubjects,
    ackFloor: c.ackFloor,
    delivered: c.delivered,
    maxDeliver: c.maxDeliver,
    numPending: c.numPending,
    numAckPending: c.numAckPending,
    ...(skipped ? { skipped } : {}),
  };
}
