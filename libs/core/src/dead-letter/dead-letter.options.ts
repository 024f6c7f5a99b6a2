import { type Duration } from '../retry';
import { type DeadLetter } from './dead-letter.sink';

/** Where dead letters go. `deadLetter: false` in the module options keeps them in the log only. */
export interface DeadLetterOptions {
  /** @default 'JETBUS_DLQ' */
  stream?: string;
  /** Dead letters are published to `<prefix>.<original subject>`. @default 'dlq' */
  subjectPrefix?: string;
  /**
   * How long dead letters are kept: 0 keeps them until replayed or deleted, else at least 100ms.
   * The DLQ's one-hour deduplication window shrinks to a shorter `maxAge`. @default 0
   */
  maxAge?: Duration;
  /** Replicas of the DLQ (and advisory) stream, 1 to 5. @default 1 */
  replicas?: number;
  /**
   * Run the reaper in this process: it moves jobs whose worker died on their last delivery into the
   * DLQ (reason `max-deliveries`). Instances share its durable, so any number may run it. @default true
   */
  reaper?: boolean;
  /** Called after a dead letter is safely stored (never before); errors it throws are logged. */
  onDeadLetter?: (deadLetter: DeadLetter, dlqSeq: number) => void | Promise<void>;
}
