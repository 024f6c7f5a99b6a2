import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyPolicy,
  type ApplyResult,
  authPaths,
  connectUser,
  parsePolicy,
  revokeUser,
  SYSTEM_ACCOUNT_NAME,
  SYSTEM_USER_NAME,
} from '@jetbus/auth';
import { type JetbusModuleOptions } from '@jetbus/core';
import { NatsServer, type NatsServerOptions } from '@jetbus/testing';

/** What a JetbusModule needs to connect as one policy user. */
export type UserConnection = Required<Pick<JetbusModuleOptions, 'servers' | 'credsFile'>> &
  Pick<JetbusModuleOptions, 'inboxPrefix'>;

/**
 * A policy compiled by `@jetbus/auth` into a temp dir, and a real nats-server in operator mode
 * (full resolver, JetStream) configured with the rendered server-auth.conf text.
 */
export class OperatorServer {
  private constructor(
    readonly dir: string,
    readonly server: NatsServer,
    private readonly policyText: string,
    public applied: ApplyResult,
  ) {}

  /** `extraConfig` is appended to the auth config (a `tls {}` block, say). */
  static async start(
    policyText: string,
    { extraConfig = '', ...serverOptions }: Omit<NatsServerOptions, 'config'> & { extraConfig?: string } = {},
  ): Promise<OperatorServer> {
    const dir = await mkdtemp(join(tmpdir(), 'jetbus-auth-e2e-'));
    try {
      const applied = await applyPolicy({ policy: parsePolicy(policyText), dir });
      // The rendered text, not an `include`: 2.9 would resolve the include against the fixture's
      // own temp dir.
      const auth = await readFile(authPaths(dir).serverConfig, 'utf8');
      const server = await NatsServer.start({ ...serverOptions, config: `${auth}\n${extraConfig}` });
      return new OperatorServer(dir, server, policyText, applied);
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  get url(): string {
    return this.server.url;
  }

  credsFile(user: string, account = 'APP'): string {
    return authPaths(this.dir).creds(account, user);
  }

  /** Connection options for `user`, with the inbox prefix the policy gives it. */
  as(user: string, account = 'APP'): UserConnection {
    const compiled = this.applied.compiled.users.find((u) => u.account === account && u.name === user);
    if (!compiled) throw new Error(`no user ${account}/${user} in the policy`);
    return {
      servers: this.url,
      credsFile: this.credsFile(user, account),
      ...(compiled.inboxPrefix ? { inboxPrefix: compiled.inboxPrefix } : {}),
    };
  }

  /**
   * Revokes `user` and pushes its account to the running server: its live connections close. A user
   * still in the policy gets new creds (a rotation); resolves with a copy of the old, revoked ones.
   */
  async revoke(user: string, account = 'APP'): Promise<string> {
    const old = join(this.dir, `revoked-${account}-${user}.creds`);
    await copyFile(this.credsFile(user, account), old);
    const sys = await connectUser({
      servers: this.url,
      credsFile: this.credsFile(SYSTEM_USER_NAME, SYSTEM_ACCOUNT_NAME),
      reconnect: false,
    });
    try {
      this.applied = await revokeUser({
        policy: parsePolicy(this.policyText),
        dir: this.dir,
        account,
        user,
        connection: sys.nc,
      });
    } finally {
      await sys.nc.close();
    }
    return old;
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
