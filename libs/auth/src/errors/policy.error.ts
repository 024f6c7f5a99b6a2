import { formatPolicyPath, type PolicyPath } from '../policy/policy-path';
import { AuthErrorCodes } from './auth-error-codes';
import { JetbusAuthError } from './jetbus-auth.error';

/** Where in the policy source an error points, when the policy came from text. */
export interface PolicyLocation {
  source?: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/**
 * One problem in a policy. `path` names the offending value the way it is written in the file
 * (`accounts.ORDERS.users.billing.roles[1]`), `detail` says what is wrong with it.
 */
export class PolicyError extends JetbusAuthError {
  /** `accounts.ORDERS.users.billing.roles[1]`; empty for the document itself. */
  readonly path: string;
  /** The same path as keys and indexes. */
  readonly segments: PolicyPath;
  /** Set by `parsePolicy` / `loadPolicy`. */
  location: PolicyLocation | undefined;

  constructor(
    path: PolicyPath,
    readonly detail: string,
    options?: { cause?: unknown; location?: PolicyLocation },
  ) {
    const formatted = formatPolicyPath(path);
    super(AuthErrorCodes.Policy, formatted ? `${formatted}: ${detail}` : detail, options);
    this.path = formatted;
    this.segments = [...path];
    this.location = options?.location;
  }

  /** `file.yaml:12:9` when known, else undefined. */
  get where(): string | undefined {
    const l = this.location;
    if (!l) return undefined;
    return `${l.source ? `${l.source}:` : ''}${l.line}:${l.column}`;
  }
}
