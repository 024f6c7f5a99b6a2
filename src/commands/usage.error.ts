/**
 * The command line itself is wrong (a missing or malformed argument or option): exit code 2, as
 * commander's own usage errors, so scripts can tell "you called it wrong" from "it failed" (1).
 */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}
