import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LOOPBACK_HOST,
  NATS_SERVER_STOP_TIMEOUT_MS,
  POLL_INTERVAL_MS,
  PORT_CONFLICT_ATTEMPTS,
  SERVER_READY_LINE,
  TEMP_DIR_PREFIX,
} from './constants';
import { NatsServerStartError } from './errors';
import { freePort } from './free-port';
import { natsServerVersion, resolveNatsServerBinary } from './nats-server-binary';
import {
  type NatsServerOptions,
  type ParsedNatsServerOptions,
  parseNatsServerOptions,
} from './nats-server.options';
import { renderServerConfig } from './server-config';
import { type Reapable, trackServer, untrackServer } from './server-registry';

const LOG_TAIL_LINES = 40;
const CONNECT_PROBE_TIMEOUT_MS = 1_000;

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the binary could not be run at all. */
  error?: Error;
}

/** One process of the server: restart() starts a new run with the same config, ports and store. */
interface Run {
  child: ChildProcess;
  exited: Promise<ExitInfo>;
  exit?: ExitInfo;
  /** Where this run's output starts in the (appended) log files. */
  logOffset: number;
  stderrOffset: number;
}

interface NatsServerInit {
  options: ParsedNatsServerOptions;
  binary: string;
  serverName: string;
  port: number;
  monitoringPort?: number;
  clusterPort?: number;
  tempDir: string;
  storeDir: string;
  ownsStoreDir: boolean;
}

/**
 * A real nats-server process on 127.0.0.1 for tests: generated config, free ports, readiness from the
 * server's own log plus a TCP connect, and cleanup that survives a crashing test process.
 */
export class NatsServer implements Reapable {
  readonly host = LOOPBACK_HOST;
  readonly port: number;
  /** 'nats://127.0.0.1:PORT', unchanged across restart(). */
  readonly url: string;
  readonly serverName: string;
  readonly storeDir: string;
  /** 'http://127.0.0.1:PORT' when the `monitoring` option is on. */
  readonly monitoringUrl?: string;
  /** Route port when the server is part of a cluster. */
  readonly clusterPort?: number;
  /** Path of the generated config file. */
  readonly configFile: string;
  private readonly options: ParsedNatsServerOptions;
  private readonly binary: string;
  private readonly tempDir: string;
  private readonly ownsStoreDir: boolean;
  private readonly logFile: string;
  private readonly stderrFile: string;
  private run?: Run;
  private stopping?: Promise<void>;
  private finalLogs?: string;

  private constructor(init: NatsServerInit) {
    this.options = init.options;
    this.binary = init.binary;
    this.serverName = init.serverName;
    this.port = init.port;
    this.url = `nats://${LOOPBACK_HOST}:${init.port}`;
    this.monitoringUrl =
      init.monitoringPort === undefined ? undefined : `http://${LOOPBACK_HOST}:${init.monitoringPort}`;
    this.clusterPort = init.clusterPort;
    this.tempDir = init.tempDir;
    this.storeDir = init.storeDir;
    this.ownsStoreDir = init.ownsStoreDir;
    this.configFile = join(init.tempDir, 'nats-server.conf');
    this.logFile = join(init.tempDir, 'nats-server.log');
    this.stderrFile = join(init.tempDir, 'nats-server.stderr.log');
  }

  /**
   * Starts a server and resolves once it is ready: its log says "Server is ready" (on a standalone
   * server that comes after JetStream is enabled) and a TCP connect to its port succeeds.
   * @throws NatsServerNotFoundError when no binary is found
   * @throws NatsServerStartError when the server exits or is not ready within `startTimeoutMs`
   */
  static async start(options?: NatsServerOptions): Promise<NatsServer> {
    const parsed = parseNatsServerOptions(options);
    const binary = resolveNatsServerBinary(parsed.binary);
    for (let attempt = 1; ; attempt++) {
      const server = await NatsServer.create(parsed, binary);
      try {
        await server.launch();
        return server;
      } catch (error) {
        await server.stop();
        // A free port can still be taken by another process before the server binds it.
        if (attempt >= PORT_CONFLICT_ATTEMPTS || !isPortConflict(error)) throw error;
      }
    }
  }

  private static async create(options: ParsedNatsServerOptions, binary: string): Promise<NatsServer> {
    const port = options.port ?? (await freePort());
    const monitoringPort = options.monitoring ? await freePort() : undefined;
    const clusterPort = options.cluster ? (options.cluster.port ?? (await freePort())) : undefined;
    const tempDir = await mkdtemp(join(tmpdir(), TEMP_DIR_PREFIX));
    // The store gets its own dir so that `keepStore` can keep it while the temp dir goes.
    const storeDir = options.storeDir ?? (await mkdtemp(join(tmpdir(), `${TEMP_DIR_PREFIX}store-`)));
    const server = new NatsServer({
      options,
      binary,
      serverName: options.serverName ?? `jetbus-${randomBytes(4).toString('hex')}`,
      port,
      monitoringPort,
      clusterPort,
      tempDir,
      storeDir,
      ownsStoreDir: options.storeDir === undefined,
    });
    const config = renderServerConfig({
      serverName: server.serverName,
      port,
      logFile: server.logFile,
      monitoringPort,
      jetstream: options.jetstream ? { storeDir, extra: options.jetstreamConfig } : undefined,
      cluster:
        options.cluster && clusterPort !== undefined
          ? {
              name: options.cluster.name,
              port: clusterPort,
              routes: options.cluster.routes,
              advertisePort: options.cluster.advertisePort,
            }
          : undefined,
      extra: options.config,
    });
    await writeFile(server.configFile, config);
    return server;
  }

  /** PID of the running process, `undefined` while the server is down. */
  get pid(): number | undefined {
    return this.running ? this.run?.child.pid : undefined;
  }

  /** Whether the server process is alive. */
  get running(): boolean {
    const child = this.run?.child;
    return !!child && !this.run?.exit && child.exitCode === null && child.signalCode === null;
  }

  /** The version the binary reports, e.g. '2.9.10'. */
  version(): string {
    return natsServerVersion(this.binary);
  }

  /**
   * Everything the server wrote so far, across restarts: stderr (config errors are printed there, before
   * the log file is opened) followed by its log file.
   */
  logs(): string {
    if (this.finalLogs !== undefined) return this.finalLogs;
    return readText(this.stderrFile) + readText(this.logFile);
  }

  /**
   * Graceful stop for good: SIGTERM, wait for the exit (bounded, then SIGKILL), remove the temp dir and
   * the store dir the fixture created (unless `keepStore`). Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= this.dispose();
    return this.stopping;
  }

  /** Crash the server: SIGKILL now. Config, ports and store stay for restart(). */
  async kill(): Promise<void> {
    await this.terminate('SIGKILL');
    if (this.options.debug) this.dumpLogs('killed');
  }

  /** Graceful stop (SIGTERM) that keeps config, ports and store for restart(); stop() still cleans up. */
  async shutdown(): Promise<void> {
    await this.terminate('SIGTERM');
  }

  /**
   * Stops the server gracefully if it runs, then starts it again on the same port with the same config
   * and store, and waits until it is ready. Works after kill() and shutdown(), not after stop().
   */
  async restart(): Promise<void> {
    if (this.stopping) throw new Error(`NatsServer ${this.serverName} was stopped; start a new one instead`);
    await this.terminate('SIGTERM');
    await this.launch();
  }

  /** @internal called on process exit: must be synchronous. */
  reapSync(): void {
    const child = this.run?.child;
    if (child && this.running) child.kill('SIGKILL');
    if (!this.options.debug) rmSync(this.tempDir, { recursive: true, force: true, maxRetries: 3 });
    if (this.ownsStoreDir && !this.options.keepStore) {
      rmSync(this.storeDir, { recursive: true, force: true, maxRetries: 3 });
    }
  }

  private async launch(): Promise<void> {
    const out = openSync(this.stderrFile, 'a');
    let child: ChildProcess;
    const logOffset = fileSize(this.logFile);
    const stderrOffset = fileSize(this.stderrFile);
    try {
      // Output goes to a file, not a pipe: nothing to drain, and it outlives this process.
      child = spawn(this.binary, ['-c', this.configFile, ...this.options.args], {
        stdio: ['ignore', out, out],
      });
    } finally {
      closeSync(out);
    }
    const run: Run = {
      child,
      logOffset,
      stderrOffset,
      exited: Promise.resolve({ code: null, signal: null }),
    };
    run.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        run.exit = { code, signal };
        resolve(run.exit);
      });
      child.once('error', (error) => {
        // 'error' without a pid means the binary could not be spawned; later ones (a failed kill) are not exits.
        if (child.pid !== undefined) return;
        run.exit = { code: null, signal: null, error };
        resolve(run.exit);
      });
    });
    // A server a test forgot to stop must not keep the test process alive; the exit hook kills it.
    child.unref();
    this.run = run;
    trackServer(this);
    await this.waitReady(run);
  }

  private async waitReady(run: Run): Promise<void> {
    const timeoutMs = this.options.startTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (run.exit) {
        const reason = run.exit.error
          ? `cannot run ${this.binary}: ${run.exit.error.message}`
          : `nats-server ${this.serverName} exited before it was ready`;
        throw this.startError(run, reason, run.exit.error);
      }
      if (this.output(run).includes(SERVER_READY_LINE) && (await canConnect(this.port))) return;
      if (Date.now() >= deadline) {
        await this.terminate('SIGKILL');
        throw this.startError(run, `nats-server ${this.serverName} was not ready within ${timeoutMs} ms`);
      }
      await Promise.race([delay(POLL_INTERVAL_MS), run.exited]);
    }
  }

  /** Sends `signal` and waits for the exit; after SIGTERM escalates to SIGKILL when the server hangs. */
  private async terminate(signal: NodeJS.Signals): Promise<void> {
    const run = this.run;
    if (!run || run.exit) return;
    // Referenced while we wait, or a script whose only pending work is this exit could end first.
    run.child.ref();
    run.child.kill(signal);
    if (signal !== 'SIGKILL') {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        run.exited.then(() => false),
        new Promise<boolean>(
          (resolve) => (timer = setTimeout(() => resolve(true), NATS_SERVER_STOP_TIMEOUT_MS)),
        ),
      ]);
      clearTimeout(timer);
      if (timedOut) run.child.kill('SIGKILL');
    }
    await run.exited;
  }

  private async dispose(): Promise<void> {
    try {
      await this.terminate('SIGTERM');
    } finally {
      untrackServer(this);
      this.finalLogs = this.logs();
      if (this.options.debug) this.dumpLogs('stopped');
      else await rm(this.tempDir, { recursive: true, force: true, maxRetries: 3 });
      if (this.ownsStoreDir && !this.options.keepStore) {
        await rm(this.storeDir, { recursive: true, force: true, maxRetries: 3 });
      }
    }
  }

  /** This run's output: stderr first (config errors), then the log file. */
  private output(run: Run): string {
    return readText(this.stderrFile, run.stderrOffset) + readText(this.logFile, run.logOffset);
  }

  private startError(run: Run, reason: string, cause?: unknown): NatsServerStartError {
    const tail = this.output(run).trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
    if (this.options.debug) this.dumpLogs('failed to start');
    return new NatsServerStartError(reason, run.exit?.code ?? null, tail, this.configFile, { cause });
  }

  private dumpLogs(event: string): void {
    process.stderr.write(
      `--- nats-server ${this.serverName} (${this.url}) ${event}; files in ${this.tempDir} ---\n${this.logs()}\n`,
    );
  }
}

function isPortConflict(error: unknown): boolean {
  return error instanceof NatsServerStartError && /address already in use/i.test(error.logTail);
}

function readText(file: string, offset = 0): string {
  try {
    return readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOOPBACK_HOST, port, timeout: CONNECT_PROBE_TIMEOUT_MS });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
