import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * A job without encryption on a subject listed in `encryption.subjects`: refused (dead-lettered,
 * not retried) unless `encryption.acceptCleartext` is set for a migration window.
 */
export class CleartextRefusedError extends JetbusError {
  constructor(readonly subject: string) {
    super(
      JetbusErrorCodes.CleartextRefused,
      `refused a cleartext message on "${subject}": the subject is encrypted (encryption.subjects) and encryption.acceptCleartext is not set`,
    );
  }
}
