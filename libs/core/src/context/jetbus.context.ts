import { BaseRpcContext } from '@nestjs/microservices';
import { type JsMsg } from '@nats-io/jetstream';
import { jobHeaders } from '../codec/message-headers';
import { headerMap } from '../codec/header-map';
import { type TraceContext, traceFrom } from '../observability/trace-context';

/**
 * What a handler knows about the job it runs (`@Ctx() ctx: JetbusContext`). The signal aborts
 * when the handler's `timeout` passes, the worker shuts down past its grace period, or the job is
 * cancelled (`cancel(jobId)` with the module's `cancellation`; the reason is a `JobCancelledError`).
 */
export class JetbusContext extends BaseRpcContext<[JsMsg, AbortController]> {
  // The controller, not its signal: Node builds an AbortSignal lazily, and most handlers never read it.
  constructor(
    msg: JsMsg,
    controller: AbortController,
    /** The attempt as jetbus counts it (handler failures + 1), when it knows better than the server. */
    private readonly attemptNumber?: number,
  ) {
    super([msg, controller]);
  }

  /** The raw JetStream message, for what this class does not expose. */
  getMessage(): JsMsg {
    return this.args[0];
  }

  get subject(): string {
    return this.args[0].subject;
  }

  /**
   * 1 on the first run, 2 on the first retry, ...: handler failures plus one. Deliveries that ended
   * because a worker died (the job ran again in isolation) and `rateLimit` waits do not count;
   * `deliveryCount` does.
   */
  get attempt(): number {
    return this.attemptNumber ?? this.args[0].info.deliveryCount;
  }

  /** The server's delivery count: every delivery, including those to workers that died. */
  get deliveryCount(): number {
    return this.args[0].info.deliveryCount;
  }

  get stream(): string {
    return this.args[0].info.stream;
  }

  get streamSeq(): number {
    return this.args[0].info.streamSequence;
  }

  get consumer(): string {
    return this.args[0].info.consumer;
  }

  get signal(): AbortSignal {
    return this.args[1].signal;
  }

  /** First value of a header, if present. */
  header(name: string): string | undefined {
    const h = jobHeaders(this.args[0]).headers;
    return h?.has(name) ? h.get(name) : undefined;
  }

  /** The job's W3C trace context (`traceparent` header), if its producer sent one. */
  get trace(): TraceContext | undefined {
    return traceFrom(jobHeaders(this.args[0]).headers);
  }

  /** All headers, each with all its values. */
  get headers(): Record<string, string[]> {
    return headerMap(jobHeaders(this.args[0]).headers);
  }

  /**
   * Tells the server the job is still being worked on (resets `ack_wait`). jetbus already sends
   * these for running handlers; call it only to be explicit in a very long step.
   */
  working(): void {
    this.args[0].working();
  }
}
