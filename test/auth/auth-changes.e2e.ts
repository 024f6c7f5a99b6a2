import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import {
  authPaths,
  closedReason,
  connectUser,
  fetchAccountJwts,
  SYSTEM_ACCOUNT_NAME,
  SYSTEM_USER_NAME,
  UserRevokedError,
} from '@jetbus/auth';
import { freePort } from '@jetbus/testing';
import { decodeJwt } from '../../libs/auth/src/crypto/decode-jwt';
import { hashTree } from './support/hash-tree';
import { jetbus } from './support/jetbus-cli';
import { OperatorServer } from './support/operator-server';

/*
 * Auth changes through the real CLI against a real operator-mode server: a command that fails
 * (server down, a silent port, refused creds, a past expiry, a bad --dir) leaves the policy, the
 * keys, the JWTs and the creds byte-identical, so running it again later just works; rotating the
 * system user pushes every pending account, the system account last, and succeeds.
 */

const POLICY = `
operator: { name: jetbus-e2e-changes }
roles:
  api: { producer: { subjects: [orders.>] } }
  ops: { admin: {} }
accounts:
  APP:
    limits: { connections: 50 }
    users:
      api: { roles: [api], inboxPrefix: _INBOX_api }
      admin: { roles: [ops], inboxPrefix: _INBOX_admin }
`;

describe('auth changes (operator mode, real CLI)', () => {
  let nats: OperatorServer;
  let policyFile: string;
  let down: string;
  const state = () =>
    hashTree(policyFile, ...['keys', 'jwt', 'creds', 'server-auth.conf'].map((p) => join(nats.dir, p)));
  const cli = (...args: string[]) =>
    jetbus(['auth', ...args, '--policy', policyFile, '--dir', nats.dir], { cwd: nats.dir });

  beforeAll(async () => {
    nats = await OperatorServer.start(POLICY, { jetstream: true });
    policyFile = join(nats.dir, 'jetbus-auth.yaml');
    await writeFile(policyFile, POLICY);
    down = `nats://127.0.0.1:${await freePort()}`;
  });
  afterAll(() => nats?.stop());

  it('a revoke against a server that is down changes nothing; run again with the server up, it revokes', async () => {
    const before = await state();
    const failed = await cli('revoke', 'APP', 'api', '--server', down, '--timeout', '1000');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(`error: cannot connect to NATS at ${down}: connection refused\n`);
    expect(await state()).toEqual(before);

    const { nc, identity } = await connectUser({ ...nats.as('api'), reconnect: false });
    const closed = closedReason(nc, identity);
    const ok = await cli('revoke', 'APP', 'api', '--server', nats.url);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toContain(`removed APP/api from ${policyFile}`);
    expect(await closed).toBeInstanceOf(UserRevokedError);
    expect(await readFile(policyFile, 'utf8')).not.toContain('api: {roles');
  });

  it('add-user that cannot push, or with an expiry in the past, writes nothing', async () => {
    const before = await state();
    const unreachable = await cli('add-user', 'APP', 'billing', '--role', 'api', '--server', down);
    expect(unreachable.code).toBe(1);
    const past = await cli(
      'add-user',
      'APP',
      'billing',
      '--role',
      'api',
      '--expires',
      '2001-01-01T00:00:00Z',
    );
    expect(past).toMatchObject({
      code: 2,
      stderr:
        'error: --expires: 2001-01-01T00:00:00.000Z is not in the future: the creds would be expired when issued\n',
    });
    expect(await state()).toEqual(before);

    const ok = await cli(
      'add-user',
      'APP',
      'billing',
      '--role',
      'api',
      '--expires',
      '30d',
      '--server',
      nats.url,
      '--json',
    );
    expect(ok.code).toBe(0);
    const out = JSON.parse(ok.stdout) as { credsFile: string };
    const user = decodeJwt(await readFile(authPaths(nats.dir).userJwt('APP', 'billing'), 'utf8'));
    const days = ((user.exp ?? 0) * 1000 - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    const billing = await connectUser({ servers: nats.url, credsFile: out.credsFile, reconnect: false });
    await billing.nc.close();
  });

  it('creds the server refuses for claims requests (an app user) fail the push and write nothing', async () => {
    await writeFile(
      policyFile,
      (await readFile(policyFile, 'utf8')).replace('connections: 50', 'connections: 60'),
    );
    const before = await state();
    const refused = await cli(
      'apply',
      '--server',
      nats.url,
      '--creds',
      nats.credsFile('admin'),
      '--timeout',
      '1500',
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr.split('\n')).toHaveLength(2);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(await state()).toEqual(before);
  });

  it('$NATS_URL is the default server; --offline compiles without it', async () => {
    const silent = await new Promise<Server>((resolve) => {
      const srv = createServer(() => undefined).listen(0, '127.0.0.1', () => resolve(srv));
    });
    const url = `nats://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const before = await state();
      const env = { NATS_URL: url };
      const run = (...args: string[]) =>
        jetbus(['auth', ...args, '--policy', policyFile, '--dir', nats.dir], { cwd: nats.dir, env });
      const pushed = await run('apply', '--timeout', '300');
      expect(pushed.code).toBe(1);
      expect(pushed.stderr).toContain(url);
      expect(await state()).toEqual(before);

      const offline = await run('diff', '--offline');
      expect(offline).toMatchObject({ code: 0, stderr: '' });
      expect(offline.stdout).toContain('compared with the previous compile');
      expect(await run('apply', '--offline', '--server', url)).toMatchObject({
        code: 2,
        stderr: 'error: --offline and --server exclude each other\n',
      });
    } finally {
      silent.close();
    }
  });

  it('init with a --dir it cannot use writes neither the policy nor anything else', async () => {
    const work = join(nats.dir, 'init-bad');
    await mkdir(work);
    await writeFile(join(work, 'a-file'), 'x');
    const before = await hashTree(work);
    for (const dir of ['a-file', 'a-file/auth']) {
      const run = await jetbus(['auth', 'init', '--dir', dir], { cwd: work });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^error: cannot use directory ${join(work, dir)}: .+\\n$`));
    }
    expect(await hashTree(work)).toEqual(before);
  });

  it('rotating the system user pushes every pending account, SYS last, and exits 0', async () => {
    // A pending change of APP that no one pushed yet.
    await writeFile(
      policyFile,
      (await readFile(policyFile, 'utf8')).replace(/connections: \d+/, 'connections: 77'),
    );
    const oldSys = join(nats.dir, 'old-sys.creds');
    await copyFile(nats.credsFile(SYSTEM_USER_NAME, SYSTEM_ACCOUNT_NAME), oldSys);

    const run = await cli(
      'revoke',
      SYSTEM_ACCOUNT_NAME,
      SYSTEM_USER_NAME,
      '--rotate',
      '--server',
      nats.url,
      '--json',
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const out = JSON.parse(run.stdout) as {
      pushed: { account: string }[];
      changes: { account: string; publicKey: string; kind: string }[];
    };
    const pending = out.changes.filter((c) => c.kind !== 'unchanged').map((c) => c.account);
    expect(pending.sort()).toEqual(['APP', 'SYS']);
    expect(out.pushed).toHaveLength(2);

    // The old system user is refused, the new one works and sees both accounts as pushed.
    await expect(
      connectUser({ servers: nats.url, credsFile: oldSys, reconnect: false }),
    ).rejects.toMatchObject({
      code: 'AUTH_AUTHORIZATION',
    });
    const sys = await connectUser({
      servers: nats.url,
      credsFile: nats.credsFile(SYSTEM_USER_NAME, SYSTEM_ACCOUNT_NAME),
      reconnect: false,
    });
    try {
      const keys = out.changes.map((c) => c.publicKey);
      const held = await fetchAccountJwts(sys.nc, keys);
      for (const change of out.changes) {
        const local = await readFile(authPaths(nats.dir).accountJwt(change.account), 'utf8');
        expect(held[change.publicKey]).toBe(local.trim());
      }
      const app = out.changes.find((c) => c.account === 'APP');
      expect(decodeJwt<{ limits?: { conn?: number } }>(held[app?.publicKey ?? '']).nats.limits?.conn).toBe(
        77,
      );
    } finally {
      await sys.nc.close();
    }
    // An app user still works under the new account JWT.
    const admin = await connectUser({ ...nats.as('admin'), reconnect: false });
    await jetstream(admin.nc).jetstreamManager();
    await admin.nc.close();
  });
});
