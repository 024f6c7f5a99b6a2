import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { connectUser, UserRevokedError, closedReason, KeyStore } from '@jetbus/auth';
import { NatsServer } from '@jetbus/testing';
import { type AuthServerOptions, DEFAULT_SERVER_TIMEOUT_MS } from './auth-command.options';
import { type CommandIo } from '../cli-io';
import {
  addUserAction,
  applyAction,
  credsAction,
  diffAction,
  initAction,
  revokeAction,
} from './auth-actions';

/** Captures what a command prints. */
class TestIo implements CommandIo {
  out = '';
  err = '';
  exitCode = 0;
  stdout = (text: string): void => void (this.out += text);
  stderr = (text: string): void => void (this.err += text);
  setExitCode = (code: number): void => void (this.exitCode = code);
  json<T = Record<string, unknown>>(): T {
    const text = this.out;
    this.out = '';
    return JSON.parse(text) as T;
  }
}

describe('jetbus auth actions', () => {
  let root: string;
  let dir: string;
  let policy: string;
  let server: NatsServer | undefined;
  const io = new TestIo();
  const opts = (extra: Partial<AuthServerOptions> = {}): AuthServerOptions => ({
    policy,
    dir,
    json: true,
    timeout: DEFAULT_SERVER_TIMEOUT_MS,
    ...extra,
  });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'jetbus-auth-cli-'));
    dir = join(root, 'auth');
    policy = join(root, 'jetbus-auth.yaml');
  });
  afterAll(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('init writes the starter policy and compiles it; refuses to overwrite', async () => {
    await initAction({ policy, dir, json: true, force: false }, io);
    const out = io.json<{
      creds: Record<string, string>;
      serverConfig: string;
      changes: { account: string; kind: string }[];
    }>();
    expect(Object.keys(out.creds).sort()).toEqual([
      'APP/admin',
      'APP/api',
      'APP/web',
      'APP/worker',
      'SYS/sys',
    ]);
    expect(out.changes.map((c) => [c.account, c.kind])).toEqual([
      ['SYS', 'added'],
      ['APP', 'added'],
    ]);
    expect((await stat(out.creds['APP/api'])).mode & 0o777).toBe(0o600);
    expect(await readFile(out.serverConfig, 'utf8')).toContain('resolver_preload');
    await expect(initAction({ policy, dir, json: true, force: false }, io)).rejects.toThrow('pass --force');
  });

  it('creds prints the path, never the content', async () => {
    await credsAction('APP', 'api', { policy, dir, json: false }, io);
    expect(io.out).toBe(`${join(dir, 'creds/APP/api.creds')}\n`);
    expect(io.out).not.toContain('SEED');
    io.out = '';
    await expect(credsAction('APP', 'nobody', { policy, dir, json: false }, io)).rejects.toThrow(
      'no creds for APP/nobody',
    );
  });

  it('diff without a server compares with the previous compile and writes nothing', async () => {
    await writeFile(policy, (await readFile(policy, 'utf8')).replace('connections: 100', 'connections: 200'));
    const before = await readFile(join(dir, 'jwt/accounts/APP.jwt'), 'utf8');
    await diffAction(opts({ json: false }), io);
    expect(io.out).toContain('would change 1 of 2 accounts (compared with the previous compile):');
    expect(io.out).toContain('~ APP  changed');
    expect(io.out).toContain('limits.conn: 100 -> 200');
    expect(await readFile(join(dir, 'jwt/accounts/APP.jwt'), 'utf8')).toBe(before);
    io.out = '';
  });

  it('diff shows a user whose permissions changed, though no account JWT did (its creds change)', async () => {
    const original = await readFile(policy, 'utf8');
    await writeFile(policy, original.replace('inboxPrefix: _INBOX_api', 'inboxPrefix: _INBOX_api2'));
    try {
      await diffAction(opts({ json: false }), io);
      expect(io.out).toContain('~ user APP/api  changed (new creds; they apply when it connects again)');
      expect(io.out).toContain('_INBOX_api2');
      expect(io.out).not.toContain('user APP/worker');
      io.out = '';
      await diffAction(opts({ json: true }), io);
      expect(io.json<{ users: { account: string; user: string; kind: string }[] }>().users).toEqual([
        expect.objectContaining({ account: 'APP', user: 'api', kind: 'changed' }),
      ]);
    } finally {
      await writeFile(policy, original);
      io.out = '';
    }
  });

  it('apply --server pushes to a server started from the generated config', async () => {
    const include = `../${basename(root)}/auth/server-auth.conf`;
    server = await NatsServer.start({ jetstream: true, config: `include ${JSON.stringify(include)}` });
    await applyAction(opts({ server: server.url }), io);
    const out = io.json<{
      comparedWith: string;
      changes: { account: string; kind: string }[];
      pushed: unknown[];
    }>();
    expect(out.comparedWith).toBe('server');
    expect(out.changes.map((c) => [c.account, c.kind])).toEqual([
      ['SYS', 'unchanged'],
      ['APP', 'changed'],
    ]);
    expect(out.pushed).toHaveLength(1);
    await diffAction(opts({ server: server.url }), io);
    expect(io.json<{ changes: { kind: string }[] }>().changes.map((c) => c.kind)).toEqual([
      'unchanged',
      'unchanged',
    ]);
  });

  it('add-user appends the user, issues creds and pushes', async () => {
    await addUserAction(
      'APP',
      'billing',
      { ...opts({ server: server?.url }), role: ['orders-producer'], allowCidr: ['127.0.0.1/32'] },
      io,
    );
    const out = io.json<{ credsFile: string; pushed: unknown[] }>();
    expect(out.pushed).toHaveLength(0); // users need no account change
    expect(await readFile(policy, 'utf8')).toContain('billing:');
    const { nc } = await connectUser({ servers: server?.url, credsFile: out.credsFile, reconnect: false });
    await nc.close();
  });

  it('revoke closes the live connection, removes the user and pushes the account', async () => {
    const { nc, identity } = await connectUser({
      servers: server?.url,
      credsFile: join(dir, 'creds/APP/billing.creds'),
      reconnect: false,
    });
    const closed = closedReason(nc, identity);
    await revokeAction(
      'APP',
      'billing',
      { ...opts({ server: server?.url, json: false }), rotate: false },
      io,
    );
    expect(io.out).toContain(`revoked APP/billing (key ${identity.publicKey})`);
    expect(io.out).toContain('pushed 1 account to');
    io.out = '';
    expect(await closed).toBeInstanceOf(UserRevokedError);
    expect(await readFile(policy, 'utf8')).not.toContain('billing:');
    await expect(stat(join(dir, 'creds/APP/billing.creds'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await (await KeyStore.open(join(dir, 'keys'))).revocations('APP')).map((r) => r.user)).toEqual([
      'billing',
    ]);
  });

  it('reports every policy error with its path and location', async () => {
    await writeFile(
      policy,
      (await readFile(policy, 'utf8')).replace('roles: [orders-producer]', 'roles: [orders-prodcer]'),
    );
    await expect(applyAction(opts(), io)).rejects.toMatchObject({
      errors: [expect.objectContaining({ path: 'accounts.APP.users.api.roles[0]' })],
    });
  });
});
