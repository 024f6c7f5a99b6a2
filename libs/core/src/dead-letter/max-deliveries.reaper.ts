import { type JetStreamManager, type StoredMsg } from '@nats-io/jetstream';
import { type MsgHdrs } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { rawStoredHeaderBlock, storedHeaders } from '../codec/message-headers';
import { isMessageGone, isStreamNotFound } from '../connection/jetstream-api-errors';
import { NonRetryableError } from '../errors';
import { type DeadLetterTarget } from './dead-letter.sink';
import { type DeadLetterMarks } from './dead-letter-marks';
import { type StreamDeadLetterSink } from './stream-dead-letter.sink';

/** The part of `io.nats.jetstream.advisory.v1.max_deliver` the reaper reads (2.9 has no consumer_seq). */
export interface MaxDeliveriesAdvisory {
  stream: string;
  consumer: string;
  stream_seq: number;
  deliveries: number;
}

/** Advisories are core NATS messages, lost unless a stream captures them. */
export const MAX_DELIVERIES_ADVISORY_SUBJECT = '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>';

/** The advisories for one source stream: `...MAX_DELIVERIES.<stream>.<consumer>`. */
export const maxDeliveriesAdvisorySubject = (stream: string): string =>
  `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.*`;

/**
 * Attempts the reaper's runner makes per advisory (backoff 1 s doubling to 1 min: about 4 min in
 * all). Bounded, so a dead letter that cannot be written never loops forever nor fills the
 * reaper's ack-pending window.
 */
export const REAPER_MAX_ATTEMPTS = 10;
/** From this attempt on the reaper writes a minimal entry (metadata only) instead of the full one. */
export const REAPER_MINIMAL_FROM_ATTEMPT = 8;

/** The error of a `max-deliveries` dead letter: no worker settled the job (it crashed, or hung). */
export class MaxDeliveriesExceeded extends Error {
  override name = 'MaxDeliveriesExceeded';
}

const notFound = (e: unknown): boolean => isMessageGone(e) || isStreamNotFound(e);

/**
 * Moves jobs whose worker died (or hung past ack_wait) on their last delivery into the DLQ. A
 * worker killed mid-job never reaches its own dead-letter code; the server then gives up after
 * `max_deliver` and says so only in an advisory, which the advisory stream keeps for this reaper.
 */
export interface MaxDeliveriesReaperOptions {
  /** Streams whose advisories are ignored (the DLQ's, the advisories' own). */
  ignoreStreams: string[];
  logger: Logger;
  /** A handler's own DLQ, by its stream and durable; the sink's default otherwise. */
  targetFor?: (stream: string, consumer: string) => DeadLetterTarget | undefined;
  /** Called when a minimal entry had to be written, for the error metric. */
  onMinimal?: (stream: string) => void;
  /** Whether the job had completed after all (its handler's `idempotency` record). */
  completed?: (
    stream: string,
    consumer: string,
    stored: { headers: MsgHdrs | undefined; seq: number },
  ) => Promise<boolean>;
  /** Which messages were dead-lettered already, whatever the time since (re-sent advisories). */
  marks?: DeadLetterMarks;
  /**
   * Called once the job's dead letter is recorded, with the job's headers: its final outcome (frees
   * its unique key, as the worker does when it dead-letters a job itself). Must not throw.
   */
  finished?: (headers: MsgHdrs | undefined) => Promise<void>;
}

export class MaxDeliveriesReaper {
  private readonly workQueues = new Map<string, boolean>();
  private readonly logger: Logger;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly sink: StreamDeadLetterSink,
    private readonly options: MaxDeliveriesReaperOptions,
  ) {
    this.logger = options.logger;
  }

  /**
   * Copies the job the advisory names into the DLQ. `attempt` is the advisory's delivery count:
   * from `REAPER_MINIMAL_FROM_ATTEMPT` on, after the full write failed that often, the entry is
   * written without payload and headers and the job is left in its stream, where it can still be
   * read; nothing is deleted that was not copied.
   */
  async reap(advisory: MaxDeliveriesAdvisory, attempt = 1): Promise<void> {
    if (!advisory || typeof advisory.stream !== 'string' || !Number.isInteger(advisory.stream_seq)) {
      throw new NonRetryableError(`not a max-deliveries advisory: ${JSON.stringify(advisory)}`);
    }
    const { stream, stream_seq: seq, consumer, deliveries } = advisory;
    const { ignoreStreams, targetFor, onMinimal, completed: isCompleted, marks, finished } = this.options;
    if (ignoreStreams.includes(stream)) return;
    let stored: StoredMsg | null;
    try {
      stored = await this.jsm.streams.getMessage(stream, { seq });
    } catch (e) {
      if (!notFound(e)) throw e;
      stored = null;
    }
    if (!stored) {
      // Gone already: acked at the last moment, or dead-lettered and terminated by its worker.
      this.logger.debug({ stream, seq, consumer }, 'max-deliveries advisory for a message no longer stored');
      return;
    }
    const target = targetFor?.(stream, consumer);
    const dlqStream = target?.stream ?? this.sink.stream;
    const mark = await marks?.get(dlqStream, stream, seq);
    if (mark) {
      // A re-sent advisory (nats-server sends them again on restart) for a job already copied; a
      // work-queue delete lost to a crash is finished now (unless the entry is minimal: the job stays).
      this.logger.debug(
        { stream, seq, consumer, dlqSeq: mark.dlqSeq },
        'max-deliveries advisory for a job already dead-lettered',
      );
      // Finished again: the reap that copied it may have died before. Freeing a unique key is a
      // compare-and-delete at the job's revision, so a repeat never frees a key taken since.
      await finished?.(storedHeaders(stored).headers);
      if (!mark.minimal) await this.deleteFromWorkQueue(stream, seq);
      return;
    }
    const minimal = attempt >= REAPER_MINIMAL_FROM_ATTEMPT;
    const read = storedHeaders(stored);
    const completed = isCompleted
      ? await isCompleted(stream, consumer, { headers: read.headers, seq }).catch(() => false)
      : false;
    const dlqSeq = await this.sink.writeRecord({
      completed,
      subject: stored.subject,
      data: stored.data,
      headers: read.headers,
      undecodableHeaders: read.undecodable,
      headerBlock: rawStoredHeaderBlock(stored),
      minimal,
      stream,
      seq,
      consumer,
      attempts: deliveries,
      reason: 'max-deliveries',
      target,
      error: new MaxDeliveriesExceeded(
        `no worker settled the job in ${deliveries} deliveries (the worker crashed or ran past ack_wait)`,
      ),
    });
    await marks?.add(dlqStream, stream, seq, { dlqSeq, minimal });
    // Only once the dead letter is recorded; a crash before this point brings the advisory back,
    // and the branch for a marked job above finishes it.
    await finished?.(read.headers);
    if (minimal) {
      onMinimal?.(stream);
      this.logger.error(
        { stream, seq, consumer, attempt },
        'could not copy a max-delivered job into the DLQ; wrote a minimal entry, the job stays in its stream',
      );
      return;
    }
    await this.deleteFromWorkQueue(stream, seq);
  }

  /**
   * A work queue would keep the message forever (no consumer will take it again); other
   * retentions may still owe it to other consumers, so only work queues are cleaned up.
   */
  private async deleteFromWorkQueue(stream: string, seq: number): Promise<void> {
    if (await this.isWorkQueue(stream)) {
      await this.jsm.streams.deleteMessage(stream, seq).catch((e: unknown) => {
        if (!notFound(e)) throw e;
      });
    }
  }

  private async isWorkQueue(stream: string): Promise<boolean> {
    let wq = this.workQueues.get(stream);
    if (wq === undefined) {
      wq = (await this.jsm.streams.info(stream)).config.retention === 'workqueue';
      this.workQueues.set(stream, wq);
    }
    return wq;
  }
}
