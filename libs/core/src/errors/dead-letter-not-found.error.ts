import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/** No dead letter with this sequence in the DLQ stream: it was replayed, deleted, or never existed. */
export class DeadLetterNotFoundError extends JetbusError {
  constructor(
    readonly stream: string,
    readonly dlqSeq: number,
    options?: { cause?: unknown },
  ) {
    super(
      JetbusErrorCodes.DeadLetterNotFound,
      `no dead letter ${dlqSeq} in stream ${stream} (already replayed or deleted?)`,
      options,
    );
  }
}
