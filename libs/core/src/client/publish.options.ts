import { type Type } from '@nestjs/common';
import { type TraceContext } from '../observability/trace-context';
import { type Duration } from '../retry';

export interface PublishOptions {
  /**
   * Deduplication id (`Nats-Msg-Id`): a second publish with the same id within the stream's
   * duplicate window is stored once, and its PubAck says `duplicate: true`.
   */
  msgId?: string;
  /** Extra headers; `Jetbus-*` and `Nats-*` names are reserved. */
  headers?: Record<string, string | string[]>;
  /** How long to wait for the PubAck. @default the module's `publishTimeout` ('5s') */
  timeout?: Duration;
  /** Validate `data` against this class-validator DTO before sending; invalid data is never sent. */
  dto?: Type<object>;
  /** Only store if the subject lands in this stream (`Nats-Expected-Stream`). */
  expectStream?: string;
  /**
   * The job this message is a consequence of: its W3C `traceparent` continues (same trace, new
   * span), so a chain of jobs shows up as one trace. Ignored when the job carried no trace.
   */
  causedBy?: { trace: TraceContext | undefined };
}

/** One message of a `publishMany` batch. */
export interface PublishRequest<T = unknown> {
  subject: string;
  data: T;
  options?: PublishOptions;
}
