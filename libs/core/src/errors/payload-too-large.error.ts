import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/** The encoded message exceeds the server's max_payload; nothing was sent. */
export class PayloadTooLargeError extends JetbusError {
  constructor(
    readonly subject: string,
    readonly size: number,
    readonly maxPayload: number,
    options?: { cause?: unknown },
  ) {
    super(
      JetbusErrorCodes.PayloadTooLarge,
      `message for "${subject}" is ${size} bytes, over the server's max_payload of ${maxPayload} bytes`,
      options,
    );
  }
}
