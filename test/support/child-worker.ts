import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const REGISTER = path.join(__dirname, '..', '..', 'scripts', 'register-ts.js');

/** A TypeScript fixture running as its own OS process, for multi-process and kill -9 tests. */
export class ChildWorker {
  private output = '';
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  /** Starts `fixture` (a path under test/fixtures) and waits for it to print `READY`. */
  static async start(fixture: string, env: Record<string, string>, timeoutMs = 30_000): Promise<ChildWorker> {
    const child = spawn(process.execPath, ['-r', REGISTER, path.join(__dirname, '..', 'fixtures', fixture)], {
      env: { ...process.env, JETBUS_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const worker = new ChildWorker(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${fixture} not READY in ${timeoutMs} ms:\n${worker.output}`)),
        timeoutMs,
      );
      const onData = () => {
        if (worker.output.includes('READY')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      void worker.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${fixture} exited with ${code} before READY:\n${worker.output}`));
      });
    });
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get log(): string {
    return this.output;
  }

  /** kill -9: no shutdown hook, no nak, no ack. */
  async crash(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: the graceful path; resolves with the exit code. */
  async terminate(): Promise<number | null> {
    this.child.kill('SIGTERM');
    return this.exited;
  }
}
