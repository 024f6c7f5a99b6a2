import { type z } from 'zod';
import { PolicyError } from '../errors/policy.error';
import { PolicyValidationError } from '../errors/policy-validation.error';
import { type AuthPolicy } from './auth-policy.types';
import { type PolicyPath } from './policy-path';
import { resolvePolicy } from './policy-references';
import { describeValue, policySchema } from './policy-schema';

type Issue = z.core.$ZodIssue;

/** Messages for the issues no schema of the policy words itself: types and missing values. */
const messageOf: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== 'invalid_type') return undefined;
  const got = describeValue(issue.input);
  if (issue.input == null && (issue.expected === 'string' || issue.expected === 'record'))
    return 'is required';
  switch (issue.expected) {
    case 'object':
      return `must be an object, got ${got}`;
    case 'string':
      return `must be a string, got ${got}`;
    case 'array':
      return `must be a list, got ${got}`;
    case 'boolean':
      return `must be true or false, got ${got}`;
    case 'record':
      return `must be a map of names, got ${got}`;
    default:
      return `must be ${issue.expected}, got ${got}`;
  }
};

const isRootTypeMismatch = (issue: Issue): boolean =>
  issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value');

const startsWith = (path: PolicyPath, prefix: PolicyPath): boolean =>
  prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment);

/**
 * Zod's issues as policy errors in document order, the way a reader fixes them: an object's unknown
 * fields first (zod reports them after its known ones), one error per field.
 */
function policyErrors(
  issues: readonly Issue[],
  base: PolicyPath = [],
  out: PolicyError[] = [],
): PolicyError[] {
  for (const issue of issues) {
    const path: PolicyPath = [...base, ...(issue.path as (string | number)[])];
    switch (issue.code) {
      case 'unrecognized_keys': {
        // One message line per key (see `strict` in policy-schema.ts).
        const lines = issue.message.split('\n');
        const errors = issue.keys.map(
          (key, i) => new PolicyError([...path, key], lines[i] ?? `unknown field "${key}"`),
        );
        const first = out.findIndex((e) => startsWith(e.segments, path));
        out.splice(first === -1 ? out.length : first, 0, ...errors);
        break;
      }
      case 'invalid_key':
        // A map key that is not a valid name: its own issue says why.
        out.push(new PolicyError(path, issue.issues[0]?.message ?? issue.message));
        break;
      case 'invalid_union': {
        // A value that may be of several shapes (`jetstream: false | {...}`): when only one shape
        // fits its type, the problems are inside that one; otherwise the union says what is allowed.
        const fitting = issue.errors.filter((branch) => !branch.some(isRootTypeMismatch));
        if (fitting.length === 1) policyErrors(fitting[0], path, out);
        else out.push(new PolicyError(path, issue.message));
        break;
      }
      default:
        out.push(new PolicyError(path, issue.message));
    }
  }
  return out;
}

/**
 * Checks a policy document (parsed YAML/JSON or a literal object) and returns it normalized.
 * Throws `PolicyValidationError` listing every problem, each a `PolicyError` with its path: first
 * the structure (`policySchema`: fields, types, values, subject and name syntax), then, once that
 * holds, what the schema cannot see (`resolvePolicy`: duplicates, roles and imports that must exist).
 */
export function validatePolicy(input: unknown, options: { source?: string } = {}): AuthPolicy {
  if (input === null || input === undefined) {
    const error = new PolicyError([], 'the policy is empty: it needs at least `operator` and `accounts`');
    throw new PolicyValidationError([error], options.source);
  }
  const parsed = policySchema.safeParse(input, { error: messageOf });
  if (!parsed.success) throw new PolicyValidationError(policyErrors(parsed.error.issues), options.source);
  const errors: PolicyError[] = [];
  const policy = resolvePolicy(parsed.data, errors);
  if (errors.length) throw new PolicyValidationError(errors, options.source);
  return policy;
}
