import { type ValidationError } from 'class-validator';
import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';
import { formatValidationErrors } from './format-validation-errors';

/** A payload failed its class-validator DTO: on publish nothing is sent; on consume it is not retried. */
export class InvalidPayloadError extends JetbusError {
  constructor(
    readonly subject: string,
    readonly dto: string,
    readonly errors: ValidationError[],
  ) {
    super(
      JetbusErrorCodes.InvalidPayload,
      `payload for "${subject}" is not a valid ${dto}: ${formatValidationErrors(errors)}`,
    );
  }
}
