import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@jetbus/testing';

/** Debian's package installs it here (`scripts/bootstrap.sh`, `ensure_redis_server`). */
const DEFAULT_BINARY = '/usr/bin/redis-server';
const READY_TIMEOUT_MS = 10_000;
const READY_POLL_MS = 20;
const STOP_TIMEOUT_MS = 5_000;
const START_ATTEMPTS = 3;

export class RedisServerError extends Error {
  override name = 'RedisServerError';
}

/** `REDIS_SERVER_BIN`, then /usr/bin/redis-server, then `redis-server` on the PATH. */
export function redisServerBinary(): string {
  const fromEnv = process.env.REDIS_SERVER_BIN;
  if (fromEnv) return fromEnv;
  return existsSync(DEFAULT_BINARY) ? DEFAULT_BINARY : 'redis-server';
}

/** E.g. '7.0.15', from `redis-server --version` ("Redis server v=7.0.15 sha=…"). */
export function redisServerVersion(binary = redisServerBinary()): string {
  const out = execFileSync(binary, ['--version'], { encoding: 'utf8' });
  return /v=(\S+)/.exec(out)?.[1] ?? out.trim();
}

const live = new Set<RedisServer>();
process.on('exit', () => {
  for (const server of live) server.reapSync();
});

/**
 * A throwaway redis-server for the BullMQ contender, started like the bench's nats-servers: a free
 * 127.0.0.1 port, an empty temp dir, and no persistence (`--save ''`, `--appendonly no`), so Redis
 * keeps the jobs in memory only. That is BullMQ's common deployment for speed; note that a job
 * enqueued there does not survive a Redis crash, where a JetStream file stream's does.
 */
export class RedisServer {
  private stopping?: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  static async start(binary = redisServerBinary()): Promise<RedisServer> {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const dir = await mkdtemp(join(tmpdir(), 'jetbus-bench-redis-'));
      // prettier-ignore
      const args = [
        '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
        '--save', '', '--appendonly', 'no', '--daemonize', 'no',
        '--logfile', join(dir, 'redis.log'),
      ];
      const child = spawn(binary, args, { stdio: 'ignore' });
      child.unref();
      const server = new RedisServer(child, port, dir);
      live.add(server);
      try {
        await server.waitReady();
        return server;
      } catch (e) {
        await server.stop();
        // Another process may take the free port before redis binds it; try another one.
        if (attempt >= START_ATTEMPTS) throw e;
      }
    }
  }

  /** SIGTERM, wait for the exit (SIGKILL after a bound), remove the temp dir. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.pid !== undefined) {
        const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
        this.child.kill('SIGTERM');
        const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      rmSync(this.dir, { recursive: true, force: true });
      live.delete(this);
    })();
    return this.stopping;
  }

  /** @internal on process exit: synchronous. */
  reapSync(): void {
    if (this.pid !== undefined) this.child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Ready once it answers PING with PONG on its port. */
  private async waitReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.pid === undefined) {
        throw new RedisServerError(`redis-server exited at start (see ${join(this.dir, 'redis.log')})`);
      }
      if (await ping(this.port)) return;
      await new Promise((r) => setTimeout(r, READY_POLL_MS));
    }
    throw new RedisServerError(`redis-server on port ${this.port} not ready within ${READY_TIMEOUT_MS} ms`);
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
