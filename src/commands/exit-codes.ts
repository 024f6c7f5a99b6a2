/** Exit codes of every `jetbus` command; a `const` object plus its union, as the error codes are. */
export const ExitCodes = {
  /** The command did what it was asked. */
  Ok: 0,
  /** The operation failed: the server, a stream, a dead letter, a file. */
  Failed: 1,
  /** Bad usage: unknown command or option, missing or malformed argument. */
  Usage: 2,
} as const;

export type ExitCode = (typeof ExitCodes)[keyof typeof ExitCodes];
