import { type ValidationError } from 'class-validator';
import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';
import { formatValidationErrors } from './format-validation-errors';

/** A payload failed its class-validator DTO: on publish nothing is sent; on consume it is not retried. */
export class InvalidPayloadError extends JetbusError {
  /** Which property broke which constraint; the offending values are left out (they may be personal data). */
  readonly violations: { path: string; constraints: Record<string, string> }[];

  constructor(
    readonly subject: string,
    readonly dto: string,
    errors: ValidationError[],
  ) {
    super(
      JetbusErrorCodes.InvalidPayload,
      `payload for "${subject}" is not a valid ${dto}: ${formatValidationErrors(errors)}`,
    );
    this.violations = flatten(errors);
  }
}

function flatten(errors: ValidationError[], parent = ''): InvalidPayloadError['violations'] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ path, constraints: e.constraints }] : [];
    return [...own, ...flatten(e.children ?? [], path)];
  });
}
