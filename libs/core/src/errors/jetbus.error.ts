import { type JetbusErrorCode } from './error-codes';

/** Base of every error jetbus throws: `code` is stable and machine-readable, `message` is for people. */
export class JetbusError extends Error {
  constructor(
    readonly code: JetbusErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
