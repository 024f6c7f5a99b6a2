import { type JsMsg } from '@nats-io/jetstream';
import { type DeadLetterReason } from '../retry';

export interface DeadLetter {
  msg: JsMsg;
  reason: DeadLetterReason;
  error: unknown;
  /** `ClassName.method` of the handler that gave up. */
  handler: string;
  /** The handler's own DLQ, when it has one (`@JobHandler({ deadLetter })`). */
  target?: DeadLetterTarget;
}

/** A dead-letter stream and the subject prefix it captures (`<subjectPrefix>.>`). */
export interface DeadLetterTarget {
  stream: string;
  subjectPrefix: string;
}

/**
 * Where jobs go when they will not be retried. `write` resolves only once the job is safely
 * recorded; only then is the original terminated. If it rejects, the original is nak'ed and comes
 * back later: a dead letter is never dropped on the way.
 */
export abstract class DeadLetterSink {
  abstract write(deadLetter: DeadLetter): Promise<void>;
}
