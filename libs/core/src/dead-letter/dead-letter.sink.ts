import { type JsMsg } from '@nats-io/jetstream';
import { type DeadLetterReason } from '../retry';
import { type DeadLetterInput } from './dead-letter-record.input';

export interface DeadLetter {
  msg: JsMsg;
  reason: DeadLetterReason;
  error: unknown;
  /** `ClassName.method` of the handler that gave up. */
  handler: string;
  /** The handler's own DLQ, when it has one (`@JobHandler({ deadLetter })`). */
  target?: DeadLetterTarget;
  /**
   * Called with the DLQ sequence once the dead letter is stored, before the `onDeadLetter` hook and
   * before the job is terminated: the worker records it, so a redelivery (the worker died before
   * the term reached the server) is terminated without running the job again.
   */
  stored?: (dlqSeq: number) => Promise<void>;
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

  /**
   * Whether the DLQ (`target`, else the sink's own) holds at `dlqSeq` the dead letter of
   * `stream`/`seq`: checks a recorded `stored` sequence before a job is terminated as dead-lettered
   * already. A sink without a stream holds none.
   */
  holds(
    _dlqSeq: number,
    _target: DeadLetterTarget | undefined,
    _stream: string,
    _seq: number,
  ): Promise<boolean> {
    return Promise.resolve(false);
  }

  /**
   * Records a dead letter made from a stored message rather than a delivery (a job on a lane subject
   * no lane takes, read from its stream); resolves with its DLQ sequence once recorded. A sink that
   * cannot (one of the application's own, written before this existed) rejects, and the message
   * stays in its stream.
   */
  writeRecord(input: DeadLetterInput): Promise<number | undefined> {
    return Promise.reject(
      new Error(`${this.constructor.name} cannot record a stored message (${input.stream}:${input.seq})`),
    );
  }
}
