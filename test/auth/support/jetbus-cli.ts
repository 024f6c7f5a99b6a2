import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
/** The real CLI: src/main.ts compiled on load by the project's loader, as the other CLI specs run it. */
const CLI = ['-r', join(ROOT, 'scripts', 'register-ts.js'), join(ROOT, 'src', 'main.ts')];

export interface CliRun {
  /** Exit code; null when it had to be killed (it overran `killAfterMs`). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the run, process start included. */
  ms: number;
}

export interface CliRunOptions {
  cwd: string;
  /** Variables added to a copy of the environment without any NATS_* variable. */
  env?: Record<string, string>;
  /** A run still going after this long is killed (`code: null`): a hang, reported, not waited for. */
  killAfterMs?: number;
}

/** Runs `jetbus ...args` in a child process and collects what it printed. */
export function jetbus(args: readonly string[], options: CliRunOptions): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('NATS_')) env[k] = v;
  Object.assign(env, options.env);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd: options.cwd, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}
