import { JetbusAuthError, PolicyValidationError } from '@jetbus/auth';

/** Where CLI commands write; tests pass their own. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Called with 1 when a command fails. */
  setExitCode(code: number): void;
}

export const processIo: CommandIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  setExitCode: (code) => void (process.exitCode = code),
};

/** Prints `value` as JSON, or `human()` lines. */
export function print(io: CommandIo, json: boolean, value: unknown, human: () => string[]): void {
  io.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : `${human().join('\n')}\n`);
}

/** Reports a failed command: the message (each policy error on its own line), exit code 1. */
export function fail(io: CommandIo, json: boolean, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    const body: Record<string, unknown> = { message };
    if (error instanceof JetbusAuthError) body.code = error.code;
    if (error instanceof PolicyValidationError) {
      body.errors = error.errors.map((e) => ({
        path: e.path,
        message: e.detail,
        ...(e.where ? { where: e.where } : {}),
      }));
    }
    io.stdout(`${JSON.stringify({ error: body }, null, 2)}\n`);
  } else {
    io.stderr(`error: ${message}\n`);
  }
  io.setExitCode(1);
}

/**
 * Wraps a commander action: any failure is reported through `fail` (as JSON when the command's
 * options say `--json`) instead of escaping as an unhandled rejection.
 */
export function runAction<A extends unknown[]>(io: CommandIo, fn: (...args: A) => Promise<void>) {
  return async (...args: A): Promise<void> => {
    const options = args.find(
      (a): a is { json?: boolean } => typeof a === 'object' && a !== null && !Array.isArray(a),
    );
    try {
      await fn(...args);
    } catch (e) {
      fail(io, options?.json ?? false, e);
    }
  };
}
