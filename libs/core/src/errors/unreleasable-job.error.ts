import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * A scheduled job whose release its stream can never take as it stands: with the headers the
 * release carries, its header block passes JetStream's 64 KiB limit (a raw client's block near it,
 * or bytes that are not UTF-8 and grow when decoded), or the message passes `max_payload`. A retry
 * cannot change that, so the job is dead-lettered (reason `error`) instead of coming back forever.
 */
export class UnreleasableJobError extends JetbusError {
  constructor(
    readonly jobId: string,
    readonly subject: string,
    why: string,
  ) {
    super(
      JetbusErrorCodes.UnreleasableJob,
      `scheduled job ${jobId} cannot be released to "${subject}": ${why}`,
    );
  }
}
