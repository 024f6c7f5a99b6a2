import { type JsMsg } from '@nats-io/jetstream';
import { type Logger } from 'pino';

/**
 * The acks of one event-loop turn, sent together. nats.js flushes its outbound buffer on the
 * microtask after the first command, and a job's settlement is a chain of awaits, so acking each job
 * as it finishes costs one socket write per ack (counted: 20,000 writes for a 20,000-job drain,
 * the largest item of the drain's CPU). Here the acks of the jobs that finish in one turn are sent
 * in one synchronous loop at the end of the turn (`setImmediate`), which nats.js writes at once.
 *
 * Crash safety: an ack goes out within the event-loop turn its job finished in, before any timer of
 * the next turn; a process killed in between (a `kill -9`, a crash in another I/O callback of the
 * same turn) has its job delivered again, as a crash just before an ack always had. A job whose ack
 * was written is never run again. `flush()` sends what is pending at once (shutdown).
 */
export class AckBatch {
  private pending: JsMsg[] = [];
  private scheduled?: NodeJS.Immediate;

  constructor(private readonly log: Logger) {}

  ack(msg: JsMsg): void {
    this.pending.push(msg);
    this.scheduled ??= setImmediate(() => this.flush());
  }

  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const msgs = this.pending;
    if (msgs.length === 0) return;
    this.pending = [];
    for (const msg of msgs) {
      try {
        msg.ack();
      } catch (e) {
        // The connection closed under it: the job is delivered again (at-least-once).
        this.log.warn({ err: e, subject: msg.subject, seq: msg.seq }, 'could not send an ack');
      }
    }
  }
}
