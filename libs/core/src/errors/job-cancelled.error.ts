import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * The reason a running job's `ctx.signal` aborts when the job is cancelled (`cancel(jobId)`). The
 * job is settled as cancelled (term) whatever the handler does then: not retried, and not
 * dead-lettered unless the handler has `deadLetterCancelled: true`.
 */
export class JobCancelledError extends JetbusError {
  constructor(
    readonly jobId: string,
    readonly subject: string,
  ) {
    super(JetbusErrorCodes.JobCancelled, `job "${jobId}" on "${subject}" was cancelled`);
  }
}
