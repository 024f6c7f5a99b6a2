import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
/** The real CLI, TypeScript compiled on load (commander 15 is an ES module Jest cannot load). */
const CLI = ['-r', join(ROOT, 'scripts', 'register-ts.js'), join(ROOT, 'src', 'main.ts')];
/** A process still running after this is killed, so a hanging CLI fails its row instead of the suite. */
const HARD_LIMIT_MS = 30_000;

export interface CliResult {
  /** null when the process was killed (it hung past `HARD_LIMIT_MS`). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
}

/**
 * Runs `jetbus <args>` as a child process with none of the caller's `NATS_*` variables (only
 * `env`), stdin closed; resolves when it exits.
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NATS_')));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], {
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const killer = setTimeout(() => child.kill('SIGKILL'), HARD_LIMIT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** `fn` over `items`, at most `limit` at once, results in order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
