import { type ValidationError } from 'class-validator';
import { JetbusErrorCodes } from './error-codes';
import { JetbusError } from './jetbus.error';

/**
 * The most violations an `InvalidPayloadError` lists, and that jetbus's compiled validator looks
 * for: a hostile payload of 750 KB can break a DTO hundreds of thousands of times, and listing each
 * took seconds of blocked event loop and ~400 MB, for a 38 MB message logged whole, per job.
 */
export const INVALID_PAYLOAD_VIOLATIONS_MAX = 100;

type Violation = { path: string; constraints: Record<string, string> };

/** A payload failed its class-validator DTO: on publish nothing is sent; on consume it is not retried. */
export class InvalidPayloadError extends JetbusError {
  /**
   * Which property broke which constraint (the first `INVALID_PAYLOAD_VIOLATIONS_MAX`); the
   * offending values are left out (they may be personal data).
   */
  readonly violations: Violation[];

  constructor(
    readonly subject: string,
    readonly dto: string,
    errors: ValidationError[],
  ) {
    const violations: Violation[] = [];
    const messages: string[] = [];
    const complete = flatten(errors, '', violations, messages);
    const listed =
      messages.join('; ') + (complete ? '' : `; the list stops at ${INVALID_PAYLOAD_VIOLATIONS_MAX}`);
    super(JetbusErrorCodes.InvalidPayload, `payload for "${subject}" is not a valid ${dto}: ${listed}`);
    this.violations = violations;
  }
}

/**
 * Flattens nested class-validator errors (each error with constraints, then its children) into
 * `out` and `path: message` items into `messages`, each up to `INVALID_PAYLOAD_VIOLATIONS_MAX`;
 * false when there was more.
 */
function flatten(errors: ValidationError[], parent: string, out: Violation[], messages: string[]): boolean {
  for (const e of errors) {
    const path = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) {
      if (out.length >= INVALID_PAYLOAD_VIOLATIONS_MAX || messages.length >= INVALID_PAYLOAD_VIOLATIONS_MAX)
        return false;
      out.push({ path, constraints: e.constraints });
      for (const msg of Object.values(e.constraints)) messages.push(`${path}: ${msg}`);
    }
    if (e.children?.length && !flatten(e.children, path, out, messages)) return false;
  }
  return true;
}
