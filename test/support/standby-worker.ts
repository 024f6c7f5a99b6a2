import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const REGISTER = path.join(__dirname, '..', '..', 'scripts', 'register-ts.js');

/**
 * A TypeScript fixture process that loads (compiles, builds its Nest context) ahead of time and
 * starts consuming only when told to: the fixture prints `LOADED`, waits for SIGUSR2, starts, and
 * prints `READY`. A supervisor that keeps one loaded in reserve replaces a killed worker in the time
 * the worker takes to start consuming, not to compile and boot, so chaos tests spend their time on
 * chaos rather than on restarts.
 */
export class StandbyWorker {
  private output = '';
  readonly exited: Promise<number | null>;
  private active = false;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  /** Starts `fixture` (a path under test/fixtures) with STANDBY=1 and waits for `LOADED`. */
  static async load(
    fixture: string,
    env: Record<string, string>,
    timeoutMs = 30_000,
  ): Promise<StandbyWorker> {
    const child = spawn(process.execPath, ['-r', REGISTER, path.join(__dirname, '..', 'fixtures', fixture)], {
      env: { ...process.env, JETBUS_LOG_LEVEL: 'warn', ...env, STANDBY: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const worker = new StandbyWorker(child);
    await worker.waitFor('LOADED', `${fixture} not LOADED`, timeoutMs).catch(async (e: unknown) => {
      await worker.crash(); // never leave a half-started process behind
      throw e;
    });
    return worker;
  }

  /** Loads `fixture` and activates it at once: a plain start. */
  static async start(
    fixture: string,
    env: Record<string, string>,
    timeoutMs = 30_000,
  ): Promise<StandbyWorker> {
    const worker = await StandbyWorker.load(fixture, env, timeoutMs);
    await worker.activate(timeoutMs).catch(async (e: unknown) => {
      await worker.crash();
      throw e;
    });
    return worker;
  }

  /** Tells a loaded worker to start consuming and waits for `READY`. */
  async activate(timeoutMs = 30_000): Promise<void> {
    this.active = true;
    this.child.kill('SIGUSR2');
    await this.waitFor('READY', 'not READY after activation', timeoutMs);
  }

  private waitFor(marker: string, what: string, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.child.stdout!.off('data', onData);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${what} in ${timeoutMs} ms:\n${this.output}`));
      }, timeoutMs);
      const onData = () => {
        if (this.output.includes(marker)) {
          done();
          resolve();
        }
      };
      this.child.stdout!.on('data', onData);
      onData();
      void this.exited.then((code) => {
        done();
        reject(new Error(`exited with ${code} before ${marker}:\n${this.output}`));
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Told to start consuming. */
  get activated(): boolean {
    return this.active;
  }

  /** Activated and still running. */
  get alive(): boolean {
    return this.active && this.running;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get log(): string {
    return this.output;
  }

  /** kill -9: no shutdown hook, no nak, no ack. */
  async crash(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
