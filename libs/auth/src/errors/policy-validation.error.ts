import { AuthErrorCodes } from './auth-error-codes';
import { JetbusAuthError } from './jetbus-auth.error';
import { type PolicyError } from './policy.error';

/** A policy with one or more problems; `errors` lists each, in document order. */
export class PolicyValidationError extends JetbusAuthError {
  constructor(
    readonly errors: readonly PolicyError[],
    readonly source?: string,
  ) {
    const head = `invalid auth policy${source ? ` ${source}` : ''}: ${errors.length} ${errors.length === 1 ? 'error' : 'errors'}`;
    const lines = errors.map((e) => `  - ${e.message}${e.where ? ` (${e.where})` : ''}`);
    super(AuthErrorCodes.PolicyValidation, [head, ...lines].join('\n'));
  }
}
