import { JetbusAuthError, PolicyValidationError } from '@jetbus/auth';
import { escapeTerminal, safeJson } from './escape-terminal';
import { type ExitCode, ExitCodes } from './exit-codes';
import { UsageError } from './usage.error';

/** Where CLI commands write; tests pass their own. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Called with 1 when a command fails, 2 when it was called wrong (`ExitCodes`). */
  setExitCode(code: number): void;
  /** True when a person can answer `confirm` (stdin and stderr are a terminal). */
  interactive?(): boolean;
  /** Asks a yes/no question (on stderr); only when `interactive()`. */
  confirm?(question: string): Promise<boolean>;
}

export const processIo: CommandIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  setExitCode: (code) => void (process.exitCode = code),
  interactive: () => Boolean(process.stdin.isTTY && process.stderr.isTTY),
  confirm: confirmOnTerminal,
};

async function confirmOnTerminal(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  // The question goes to stderr: stdout stays the command's output (JSON with --json).
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/**
 * Prints `value` as JSON, or `human()` lines. Human output is escaped (`escapeTerminal`) as a last
 * guard: it quotes what the server stores, which anyone allowed to publish could have written.
 */
export function print(io: CommandIo, json: boolean, value: unknown, human: () => string[]): void {
  io.stdout(json ? `${safeJson(value)}\n` : `${escapeTerminal(human().join('\n'), { keepLines: true })}\n`);
}

/** The exit code for a failure: 2 when the command line was wrong, 1 otherwise. */
export const exitCodeFor = (error: unknown): ExitCode =>
  error instanceof UsageError ? ExitCodes.Usage : ExitCodes.Failed;

/**
 * Reports a failed command: one escaped line on stderr (with `--json`, a JSON error on stdout;
 * each policy error with its path), exit code 2 for a `UsageError`, 1 otherwise.
 */
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
    io.stdout(`${safeJson({ error: body })}\n`);
  } else if (error instanceof PolicyValidationError) {
    // The one multi-line error: a head line, then one line per policy error.
    io.stderr(
      `error: ${message
        .split('\n')
        .map((line) => escapeTerminal(line))
        .join('\n')}\n`,
    );
  } else {
    io.stderr(`error: ${escapeTerminal(message)}\n`);
  }
  io.setExitCode(exitCodeFor(error));
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
