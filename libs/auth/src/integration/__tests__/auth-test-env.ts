import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { NatsServer } from '@jetbus/testing';
import { type NatsConnection } from '@nats-io/transport-node';
import { applyPolicy, type ApplyResult } from '../../apply/apply-policy';
import { authPaths } from '../../artifacts/auth-paths';
import { connectUser, type UserConnection } from '../../client/connect-user';
import { KeyStore } from '../../keystore/key-store';
import { parsePolicy } from '../../policy/load-policy';
import { SYSTEM_ACCOUNT_NAME, SYSTEM_USER_NAME } from '../../policy/policy-defaults';

/** Bound on waiting for a server-side event (a close, an error): generous, never a timing assertion. */
export const EVENT_TIMEOUT_MS = 5_000;

/**
 * A policy compiled into a temp auth dir and a real nats-server (2.9.10 here) in operator mode with
 * the full resolver, started from the generated server-auth.conf.
 */
export class AuthTestEnv {
  private readonly connections: NatsConnection[] = [];

  private constructor(
    readonly dir: string,
    readonly server: NatsServer,
    public applied: ApplyResult,
  ) {}

  static async start(policyText: string): Promise<AuthTestEnv> {
    const dir = await mkdtemp(join(tmpdir(), 'jetbus-auth-it-'));
    try {
      const applied = await applyPolicy({ policy: parsePolicy(policyText), dir });
      // nats-server 2.9 resolves `include` against the including file's directory even for absolute
      // paths; the fixture's config lives in another temp dir beside ours.
      const include = `../${basename(dir)}/server-auth.conf`;
      const server = await NatsServer.start({
        jetstream: true,
        config: `include ${JSON.stringify(include)}`,
      });
      return new AuthTestEnv(dir, server, applied);
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  get paths(): ReturnType<typeof authPaths> {
    return authPaths(this.dir);
  }

  keys(): Promise<KeyStore> {
    return KeyStore.open(this.paths.keys);
  }

  /** Connects as a policy user (with its inbox prefix); closed by `stop()`. */
  async connect(account: string, user: string): Promise<UserConnection> {
    const compiled = this.applied.compiled.users.find((u) => u.account === account && u.name === user);
    const conn = await connectUser({
      servers: this.server.url,
      credsFile: this.paths.creds(account, user),
      reconnect: false,
      ...(compiled?.inboxPrefix ? { inboxPrefix: compiled.inboxPrefix } : {}),
    });
    this.connections.push(conn.nc);
    return conn;
  }

  system(): Promise<UserConnection> {
    return this.connect(SYSTEM_ACCOUNT_NAME, SYSTEM_USER_NAME);
  }

  /** Recompiles `policyText` into the same dir and, with `push`, pushes changed accounts to the server. */
  async apply(policyText: string, push = true): Promise<ApplyResult> {
    const sys = push ? await this.system() : undefined;
    try {
      this.applied = await applyPolicy({
        policy: parsePolicy(policyText),
        dir: this.dir,
        ...(sys ? { connection: sys.nc } : {}),
      });
      return this.applied;
    } finally {
      await sys?.nc.close();
    }
  }

  async writeFile(name: string, text: string): Promise<string> {
    const file = join(this.dir, name);
    await writeFile(file, text);
    return file;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.connections.map((nc) => (nc.isClosed() ? undefined : nc.close().catch(() => undefined))),
    );
    await this.server.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Resolves with `promise`, or rejects after `ms` (a bound on waiting, not an assertion on time). */
export async function within<T>(promise: Promise<T>, ms = EVENT_TIMEOUT_MS, what = 'event'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The first value of an async iterable (bounded). */
export async function first<T>(iterable: AsyncIterable<T>, what = 'event'): Promise<T> {
  return within(
    (async () => {
      for await (const v of iterable) return v;
      throw new Error(`${what}: iterable ended`);
    })(),
    EVENT_TIMEOUT_MS,
    what,
  );
}
