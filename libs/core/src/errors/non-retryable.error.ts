import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * Throw from a handler when retrying cannot help (bad data, a business rule): the job is not
 * retried and goes straight to dead-letter handling. Recognised by `instanceof` or by `name`, so a
 * copy of the class from another package version still counts.
 */
export class NonRetryableError extends JetbusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(JetbusErrorCodes.NonRetryable, message, options);
  }
}
