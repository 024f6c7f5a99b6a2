import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/** The handler ran past its `timeout`; its `ctx.signal` was aborted and the attempt counts as failed. */
export class JobTimeoutError extends JetbusError {
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
  ) {
    super(JetbusErrorCodes.JobTimeout, `handler for "${subject}" timed out after ${timeoutMs} ms`);
  }
}
