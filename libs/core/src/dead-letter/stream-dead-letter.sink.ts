import { type JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { mapPublishError } from '../client/map-publish-error';
import { traceFrom } from '../observability/trace-context';
import { type DeadLetterInput } from './dead-letter-record.input';
import { DeadLetterHeaders as H, deadLetterMsgId } from './dead-letter.headers';
import { type DeadLetter, DeadLetterSink } from './dead-letter.sink';

export interface StreamDeadLetterSettings {
  stream: string;
  subjectPrefix: string;
  publishTimeoutMs: number;
  /** The server's max_payload, for the error when a dead letter is too large to store. */
  maxPayload: number;
  onDeadLetter?: (deadLetter: DeadLetter, dlqSeq: number) => void | Promise<void>;
}

const MAX_MESSAGE = 1000;
const STACK_FRAMES = 6;
const oneLine = (s: string, max: number): string => s.replace(/[\r\n]+/g, ' ').slice(0, max);

function describe(error: unknown): { name: string; message: string; stack: string } {
  if (error instanceof Error) {
    const frames = (error.stack ?? '')
      .split('\n')
      .slice(1, STACK_FRAMES + 1)
      .map((l) => l.trim());
    return { name: error.name, message: error.message, stack: frames.join(' | ') };
  }
  return { name: typeof error, message: String(error), stack: '' };
}

/**
 * Publishes dead letters to the DLQ stream: original payload and headers plus `Jetbus-Dlq-*`.
 * The dedup id `dlq:<stream>:<seq>` makes a repeated write (a worker and the reaper racing, or a
 * retry after a lost PubAck) a no-op. Resolves only with the PubAck, so the caller terminates the
 * original only once the dead letter is stored.
 */
export class StreamDeadLetterSink extends DeadLetterSink {
  constructor(
    private readonly js: JetStreamClient,
    private readonly settings: StreamDeadLetterSettings,
    private readonly logger: Logger,
  ) {
    super();
  }

  async write(deadLetter: DeadLetter): Promise<void> {
    const { msg, reason, error, handler, target } = deadLetter;
    const dlqSeq = await this.writeRecord({
      subject: msg.subject,
      data: msg.data,
      headers: msg.headers,
      stream: msg.info.stream,
      seq: msg.info.streamSequence,
      consumer: msg.info.consumer,
      attempts: msg.info.deliveryCount,
      reason,
      error,
      handler,
      target,
    });
    if (this.settings.onDeadLetter) {
      try {
        await this.settings.onDeadLetter(deadLetter, dlqSeq);
      } catch (e) {
        this.logger.error({ err: e, dlqSeq }, 'onDeadLetter hook failed (the dead letter is stored)');
      }
    }
  }

  /** Stores one dead letter and returns its DLQ sequence. */
  async writeRecord(input: DeadLetterInput): Promise<number> {
    const h = natsHeaders();
    if (input.headers) {
      for (const [key, values] of input.headers) {
        // Nats-* headers steer the server (dedup, expectations); carried over they would break the write.
        if (key.toLowerCase().startsWith('nats-')) continue;
        for (const v of values) h.append(key, v);
      }
      const originalId = input.headers.get('Nats-Msg-Id');
      if (originalId) h.set(H.OriginalMsgId, originalId);
    }
    const err = describe(input.error);
    h.set(H.Subject, input.subject);
    h.set(H.Stream, input.stream);
    h.set(H.Seq, String(input.seq));
    h.set(H.Consumer, input.consumer);
    h.set(H.Attempts, String(input.attempts));
    h.set(H.Reason, input.reason);
    h.set(H.ErrorClass, oneLine(err.name, 200));
    h.set(H.ErrorMessage, oneLine(err.message, MAX_MESSAGE) || '(no message)');
    if (err.stack) h.set(H.ErrorStack, oneLine(err.stack, 2 * MAX_MESSAGE));
    h.set(H.FailedAt, new Date().toISOString());
    if (input.handler) h.set(H.Handler, input.handler);

    const { stream, subjectPrefix } = input.target ?? this.settings;
    const subject = `${subjectPrefix}.${input.subject}`;
    let ack;
    try {
      ack = await this.js.publish(subject, input.data, {
        msgID: deadLetterMsgId(input.stream, input.seq),
        headers: h,
        timeout: this.settings.publishTimeoutMs,
        expect: { streamName: stream },
      });
    } catch (e) {
      throw mapPublishError(e, {
        subject,
        size: input.data.length,
        maxPayload: this.settings.maxPayload,
        timeoutMs: this.settings.publishTimeoutMs,
        user: undefined,
      });
    }
    this.logger.error(
      {
        err: input.error,
        handler: input.handler,
        subject: input.subject,
        stream: input.stream,
        seq: input.seq,
        attempts: input.attempts,
        reason: input.reason,
        dlqSeq: ack.seq,
        duplicate: ack.duplicate,
        traceId: traceFrom(input.headers)?.traceId,
      },
      'job dead-lettered',
    );
    return ack.seq;
  }
}
