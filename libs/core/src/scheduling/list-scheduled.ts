import { type JetStreamManager, type MsgRequest, type NextMsgRequest } from '@nats-io/jetstream';
import { isSubject, shown } from '../config';
import { isStreamNotFound } from '../connection/jetstream-api-errors';
import { JetbusConfigError, StreamNotFoundError } from '../errors';
import { type ScheduledJob, toScheduledJob } from './scheduled-job';
import { SCHEDULED_STREAM, scheduledFilter } from './scheduling-names';

export interface ListScheduledOptions {
  /** Only jobs for this subject (wildcards allowed: `orders.*`, `orders.>`). @default every subject */
  subject?: string;
  /** At most this many jobs, 1 to 1000. @default 100 */
  limit?: number;
  /** Where to go on: the `next` of the previous page. @default the start */
  cursor?: number;
  /** The scheduling stream (the module's `scheduling.stream`). @default 'JETBUS_SCHEDULED' */
  stream?: string;
}

export interface ScheduledPage {
  /** In the order they were scheduled (stream order), not by due time. */
  jobs: ScheduledJob[];
  /** The cursor of the next page; undefined when this page reached the end. */
  next: number | undefined;
}

/**
 * One page of the jobs waiting in the scheduling stream, read one message at a time (STREAM.MSG.GET
 * with `next_by_subj`, which skips deleted and other subjects' entries in one request): never the
 * whole stream in memory, and no consumer is created.
 */
export async function listScheduled(
  jsm: JetStreamManager,
  options: ListScheduledOptions = {},
): Promise<ScheduledPage> {
  const stream = options.stream ?? SCHEDULED_STREAM;
  const limit = options.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new JetbusConfigError('limit', `must be an integer from 1 to 1000, got ${String(limit)}`);
  const cursor = options.cursor ?? 1;
  if (!Number.isSafeInteger(cursor) || cursor < 1)
    throw new JetbusConfigError('cursor', `must be a positive integer, got ${String(cursor)}`);
  if (options.subject !== undefined && !isSubject(options.subject))
    throw new JetbusConfigError(
      'subject',
      `must be a subject or a wildcard filter, got ${shown(options.subject)}`,
    );
  const filter = scheduledFilter(options.subject);
  const jobs: ScheduledJob[] = [];
  let seq = cursor;
  while (jobs.length < limit) {
    // nats.js types getMessage() without next_by_subj; nats-server has taken it since 2.9.0.
    const query: NextMsgRequest = { seq, next_by_subj: filter };
    const stored = await jsm.streams
      .getMessage(stream, query as unknown as MsgRequest)
      .catch((e: unknown) => {
        if (isStreamNotFound(e)) throw new StreamNotFoundError(stream, { cause: e });
        throw e;
      });
    if (!stored) return { jobs, next: undefined };
    const job = toScheduledJob(stored);
    if (job) jobs.push(job);
    seq = stored.seq + 1;
  }
  return { jobs, next: seq };
}
