import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * Replay refused to publish a dead letter to its subject: a system subject (`$JS`, `$SYS`, any
 * `$…`), an inbox, a subject no work stream captures, one the dead-letter stream itself captures,
 * or one too long to publish with a reply. The dead letter is kept.
 */
export class ReplayTargetError extends JetbusError {
  constructor(
    readonly subject: string,
    reason: string,
  ) {
    super(JetbusErrorCodes.ReplayTarget, `will not replay to "${subject}": ${reason}`);
  }
}
