import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * No PubAck arrived in time. The message may or may not be stored: publish again with the same
 * `msgId` and the stream's duplicate window makes the retry safe.
 */
export class PublishTimeoutError extends JetbusError {
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      JetbusErrorCodes.PublishTimeout,
      `no PubAck for "${subject}" within ${timeoutMs} ms; the message may not be stored (retry with the same msgId)`,
      options,
    );
  }
}
