import { type JetStreamClient } from '@nats-io/jetstream';
import { type MsgHdrs, headers as natsHeaders } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { mapPublishError } from '../connection/map-publish-error';
import { JETSTREAM_HEADERS_MAX, headerBytes } from '../codec/header-bytes';
import { escapeControl, jobHeaders, rawJobHeaderBlock } from '../codec/message-headers';
import { traceFrom } from '../observability/trace-context';
import { nonRetryableReason } from '../retry';
import { type DeadLetterInput } from './dead-letter-record.input';
import {
  DeadLetterPayloads,
  deadLetterHeadersName,
  deadLetterPayloadBucket,
  deadLetterPayloadName,
  formatPayloadRef,
} from './dead-letter-payloads';
import {
  DEAD_LETTER_HEADER_PREFIX,
  DeadLetterHeaders as H,
  deadLetterMsgId,
  deadLetterSubjectTail,
} from './dead-letter.headers';
import { type DeadLetter, DeadLetterSink, type DeadLetterTarget } from './dead-letter.sink';

export interface StreamDeadLetterSettings {
  stream: string;
  subjectPrefix: string;
  publishTimeoutMs: number;
  /** The server's max_payload: a dead letter that would exceed it keeps its payload in an object store. */
  maxPayload: number;
  onDeadLetter?: (deadLetter: DeadLetter, dlqSeq: number) => void | Promise<void>;
}

const MAX_MESSAGE = 1000;
/**
 * The largest header block a dead letter is given: JetStream refuses a message whose header block
 * passes 64 KiB, and the publish adds `Nats-Msg-Id` and `Nats-Expected-Stream`
 * (up to ~600 bytes with 255-character stream names) to what is measured here.
 */
export const DEAD_LETTER_HEADERS_MAX = JETSTREAM_HEADERS_MAX - 1_024;
/** How much of a header block kept in an object store the dead letter shows, escaped. */
const RAW_HEADERS_SHOWN = 2_048;
const STACK_FRAMES = 6;
/** Room kept below max_payload for the protocol line and anything the estimate misses. */
const SIZE_MARGIN = 256;
const oneLine = (s: string, max: number): string => escapeControl(s.replace(/[\r\n]+/g, ' ')).slice(0, max);
const DLQ_PREFIX = DEAD_LETTER_HEADER_PREFIX.toLowerCase();

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
 *
 * jetbus owns the `Jetbus-Dlq-*` namespace: the job's own headers with that prefix, in any case,
 * are dropped (their names are listed in `Jetbus-Dlq-Forged-Headers`), so what a producer sends can
 * never pass for a dead letter's metadata, and never steer where replay publishes.
 */
export class StreamDeadLetterSink extends DeadLetterSink {
  private readonly payloads: DeadLetterPayloads;

  constructor(
    private readonly js: JetStreamClient,
    private readonly settings: StreamDeadLetterSettings,
    private readonly logger: Logger,
  ) {
    super();
    this.payloads = new DeadLetterPayloads(js);
  }

  /** The DLQ stream dead letters go to unless a handler has its own. */
  get stream(): string {
    return this.settings.stream;
  }

  async write(deadLetter: DeadLetter): Promise<void> {
    const { msg, reason, error, handler, target } = deadLetter;
    const read = jobHeaders(msg);
    const dlqSeq = await this.writeRecord({
      subject: msg.subject,
      data: msg.data,
      headers: read.headers,
      undecodableHeaders: read.undecodable,
      headerBlock: rawJobHeaderBlock(msg),
      stream: msg.info.stream,
      seq: msg.info.streamSequence,
      consumer: msg.info.consumer,
      attempts: msg.info.deliveryCount,
      reason,
      error,
      handler,
      target,
    });
    // Before the hook, which may take long (or end the process): the job's term is still to come.
    await deadLetter.stored?.(dlqSeq);
    if (this.settings.onDeadLetter) {
      try {
        await this.settings.onDeadLetter(deadLetter, dlqSeq);
      } catch (e) {
        this.logger.error({ err: e, dlqSeq }, 'onDeadLetter hook failed (the dead letter is stored)');
      }
    }
  }

  override async holds(
    dlqSeq: number,
    target: DeadLetterTarget | undefined,
    stream: string,
    seq: number,
  ): Promise<boolean> {
    try {
      const jsm = await this.js.jetstreamManager(false);
      const m = await jsm.streams.getMessage((target ?? this.settings).stream, { seq: dlqSeq });
      return !!m && m.header?.get(H.Stream) === stream && m.header.get(H.Seq) === String(seq);
    } catch {
      return false; // gone (purged, replayed) or unreachable: the job runs as any redelivery does
    }
  }

  /** Stores one dead letter and returns its DLQ sequence. */
  override async writeRecord(input: DeadLetterInput): Promise<number> {
    const { stream, subjectPrefix } = input.target ?? this.settings;
    // A subject long enough to push the publish past one protocol line is stored shortened.
    const subject = `${subjectPrefix}.${deadLetterSubjectTail(input.subject)}`;
    let h = this.headersFor(input, true);
    if (!input.minimal && headerBytes(h) > DEAD_LETTER_HEADERS_MAX) {
      // The job's headers fit its stream alone, not with the dead-letter headers (or they grew when
      // decoded: each byte that is not UTF-8 became a 3-byte U+FFFD). Refused, the write would fail
      // on every delivery, for good. The block, as received, goes to the object store instead.
      const block = input.headerBlock ?? encodeHeaderBlock(input.headers);
      const ref = await this.payloads.put(
        deadLetterPayloadBucket(stream, input.stream),
        deadLetterHeadersName(input.seq),
        block,
      );
      h = this.headersFor(input, false);
      h.set(H.Headers, formatPayloadRef(ref));
      if (!h.has(H.RawHeaders))
        h.set(H.RawHeaders, escapeControl(decoder.decode(block)).slice(0, RAW_HEADERS_SHOWN));
    }
    let data = input.minimal ? new Uint8Array(0) : input.data;
    if (input.minimal) {
      h.set(H.Payload, 'source');
      h.set(H.PayloadSize, String(input.data.byteLength));
    } else if (this.tooLarge(h, data)) {
      // The job fit alone; with the dead-letter metadata it does not. Keep it whole elsewhere.
      const ref = await this.payloads.put(
        deadLetterPayloadBucket(stream, input.stream),
        deadLetterPayloadName(input.seq),
        data,
      );
      h.set(H.Payload, formatPayloadRef(ref));
      h.set(H.PayloadSize, String(data.byteLength));
      data = new Uint8Array(0);
    }
    let ack;
    try {
      ack = await this.js.publish(subject, data, {
        msgID: deadLetterMsgId(input.stream, input.seq),
        headers: h,
        timeout: this.settings.publishTimeoutMs,
        expect: { streamName: stream },
      });
    } catch (e) {
      throw mapPublishError(e, {
        subject,
        size: data.byteLength + headerBytes(h),
        maxPayload: this.settings.maxPayload,
        timeoutMs: this.settings.publishTimeoutMs,
        user: undefined,
      });
    }
    // A payload the DTO refuses, a body that is not JSON, a handler's own NonRetryableError: the
    // expected way a job ends, logged as one warning line. Failures that wore out their retries or
    // their workers stay errors, with the stack.
    const expected = isExpected(input);
    this.logger[expected ? 'warn' : 'error'](
      {
        // `err` would go through pino's error serializer, stack included.
        ...(expected ? { error: briefError(input.error) } : { err: input.error }),
        handler: input.handler,
        subject: input.subject,
        stream: input.stream,
        seq: input.seq,
        attempts: input.attempts,
        reason: input.reason,
        dlqSeq: ack.seq,
        duplicate: ack.duplicate,
        traceId: traceFrom(input.headers)?.traceId,
        ...(input.minimal ? { minimal: true } : {}),
      },
      input.minimal
        ? 'job dead-lettered without its payload (kept in the source stream)'
        : 'job dead-lettered',
    );
    return ack.seq;
  }

  /** The dead letter's headers: the job's own (unless `withJobHeaders` is false) and `Jetbus-Dlq-*`. */
  private headersFor(input: DeadLetterInput, withJobHeaders: boolean): MsgHdrs {
    const h = natsHeaders();
    const forged: string[] = [];
    if (input.headers && !input.minimal) {
      for (const [key, values] of input.headers) {
        const lower = key.toLowerCase();
        if (lower.startsWith(DLQ_PREFIX)) {
          forged.push(key);
          continue;
        }
        if (!withJobHeaders) continue;
        // Nats-* headers steer the server (dedup, expectations); carried over they would break the write.
        if (lower.startsWith('nats-')) continue;
        for (const v of values) h.append(key, v);
      }
    }
    const originalId = input.headers?.get('Nats-Msg-Id');
    if (originalId) h.set(H.OriginalMsgId, oneLine(originalId, 256));
    const err = describe(input.error);
    h.set(H.Subject, input.subject);
    h.set(H.Stream, input.stream);
    h.set(H.Seq, String(input.seq));
    h.set(H.Consumer, input.consumer);
    h.set(H.Attempts, String(input.attempts));
    h.set(H.Reason, input.reason);
    h.set(H.ErrorClass, oneLine(err.name, 200) || '(none)');
    h.set(H.ErrorMessage, oneLine(err.message, MAX_MESSAGE) || '(no message)');
    if (err.stack) h.set(H.ErrorStack, oneLine(err.stack, 2 * MAX_MESSAGE));
    h.set(H.FailedAt, new Date().toISOString());
    if (input.handler) h.set(H.Handler, input.handler);
    if (input.completed) h.set(H.Completed, 'true');
    if (input.undecodableHeaders && !input.minimal) h.set(H.RawHeaders, input.undecodableHeaders);
    if (forged.length > 0) {
      h.set(H.ForgedHeaders, oneLine(forged.join(', '), MAX_MESSAGE));
      // Once per dead letter: a second call only leaves the job's headers out.
      if (withJobHeaders)
        this.logger.warn(
          { subject: input.subject, stream: input.stream, seq: input.seq, forged: forged.length },
          'job carried Jetbus-Dlq-* headers; dropped from its dead letter',
        );
    }
    return h;
  }

  private tooLarge(h: MsgHdrs, data: Uint8Array): boolean {
    const max = this.settings.maxPayload;
    return Number.isFinite(max) && max > 0 && headerBytes(h) + data.byteLength + SIZE_MARGIN > max;
  }
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A header block in the wire format (`NATS/1.0`, `Name: value` lines), from decoded headers. */
function encodeHeaderBlock(headers: MsgHdrs | undefined): Uint8Array {
  let text = 'NATS/1.0\r\n';
  for (const [k, values] of headers ?? []) for (const v of values) text += `${k}: ${v}\r\n`;
  return encoder.encode(`${text}\r\n`);
}

/** Ended by the payload or by the handler's own decision, as the retry policy classifies it. */
const isExpected = (input: DeadLetterInput): boolean =>
  !input.minimal && nonRetryableReason(input.error) !== undefined;

/** The error as type, message and code, without the stack: one readable log line. */
function briefError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { type: error.name, message: error.message, ...(code === undefined ? {} : { code }) };
}
