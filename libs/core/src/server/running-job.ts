import { type JsMsg } from '@nats-io/jetstream';
import { type ContextSource } from '../context/context-source';
import { JetbusContext } from '../context/jetbus.context';
import { type Lane } from './delivery-triage';

/**
 * One job the runner holds, from delivery to settlement. What only some jobs need is built on first
 * use: the `AbortController` (the handler takes the context, a rate limit waits) and the
 * `JetbusContext` (the handler takes `@Ctx()`). An abort that comes before the controller exists
 * (shutdown, a timeout, a cancel) is kept and applied the moment it is built, so a signal read late
 * is already aborted, with the first reason, exactly as an eager controller would be.
 */
export class RunningJob implements ContextSource {
  /** Set once ack/nak/term was sent, so shutdown and the handler never both settle a message. */
  settled = false;
  /** Known once triage decided; shutdown records the release against it, the context reads its attempt. */
  lane?: Lane;
  /** With `idempotency`: the job's key, recorded as completed before the ack. */
  jobId?: string;
  /** `rateLimit` decided the job waits for its slot: nak-ed with this delay, not an attempt. */
  deferMs?: number;
  private abortController?: AbortController;
  private aborted = false;
  private abortReason: unknown;
  private ctx?: JetbusContext;

  constructor(
    readonly msg: JsMsg,
    /** Heartbeats sent before the job arrived: `working()` goes to jobs that have seen a whole period. */
    readonly beatsBefore: number,
  ) {}

  get controller(): AbortController {
    if (!this.abortController) {
      this.abortController = new AbortController();
      if (this.aborted) this.abortController.abort(this.abortReason);
    }
    return this.abortController;
  }

  /** Aborts the job's signal, now or when it is first read; the first reason stays, as with AbortController. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.abortController?.abort(reason);
  }

  context(): JetbusContext {
    const lane = this.lane;
    // 0: isolation off, the server's delivery count is the attempt (JetbusContext reads it then).
    const attempt = lane && lane.kind !== 'culprit' ? lane.attempt : 0;
    return (this.ctx ??= new JetbusContext(this.msg, this.controller, attempt || undefined));
  }
}
