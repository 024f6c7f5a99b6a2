import { readFile } from 'node:fs/promises';
import { applyPolicy } from '../apply/apply-policy';
import { closedReason, connectUser } from '../client/connect-user';
import { AuthorizationError } from '../errors/authorization.error';
import { UserExpiredError } from '../errors/user-expired.error';
import { UserRevokedError } from '../errors/user-revoked.error';
import { parsePolicy } from '../policy/load-policy';
import { revokeUser } from '../push/revoke-user';
import { AuthTestEnv, within } from './__tests__/auth-test-env';

/*
 * Revocation and expiry enforced by a running server, surviving its restart (the full resolver
 * keeps pushed JWTs), and accounts added and removed at runtime through `apply`.
 */

/** Expiry of a user added by the live-expiry test, shortly after it connects. */
let briefExpires: Date | undefined;

const policy = (extraAccounts = ''): string => `
operator: { name: jetbus-test }
accounts:
  APP:
    users:
      api: { publish: { allow: [app.>] } }
      victim: { publish: { allow: [app.>] } }
      expired: { publish: { allow: [app.>] }, expires: 2001-01-01T00:00:00Z }
${briefExpires ? `      brief: { publish: { allow: [app.>] }, expires: ${briefExpires.toISOString()} }` : ''}
      local: { publish: { allow: [app.>] }, allowedCidrs: [127.0.0.1/32] }
      remote: { publish: { allow: [app.>] }, allowedCidrs: [10.0.0.0/8] }
${extraAccounts}`;

const SHIPPING = `
  SHIPPING:
    users:
      shipper: { publish: { allow: [shipping.>] } }
`;

describe('revocation, expiry and runtime updates on nats-server', () => {
  let env: AuthTestEnv;
  let victimOldCreds = '';
  beforeAll(async () => (env = await AuthTestEnv.start(policy())));
  afterAll(() => env.stop());

  const creds = (account: string, user: string): Promise<string> =>
    readFile(env.paths.creds(account, user), 'utf8');
  const connectWith = (text: string) =>
    connectUser({ servers: env.server.url, creds: text, reconnect: false });

  it('refuses a user whose JWT has expired', async () => {
    const error = await env.connect('APP', 'expired').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserExpiredError);
    expect(error).toMatchObject({ user: 'expired', expiredAt: new Date('2001-01-01T00:00:00Z') });
  });

  it('accepts connections only from the allowed source networks', async () => {
    expect((await env.connect('APP', 'local')).identity.user).toBe('local');
    const error = await env.connect('APP', 'remote').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthorizationError);
    expect(error).toMatchObject({ user: 'remote' });
  });

  it('closes the connection of a user whose JWT expires while connected', async () => {
    // JWT expiry has a resolution of seconds; the user is compiled just before it connects.
    briefExpires = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3000);
    await env.apply(policy(), false);
    const { nc, identity } = await env.connect('APP', 'brief');
    const reason = await within(closedReason(nc, identity), 10_000, 'connection close');
    expect(reason).toBeInstanceOf(UserExpiredError);
    expect(reason).toMatchObject({ user: 'brief', expiredAt: briefExpires });
  });

  it('revocation closes the live connection, refuses the old creds and issues new ones', async () => {
    const oldCreds = await creds('APP', 'victim');
    victimOldCreds = oldCreds;
    const { nc, identity } = await env.connect('APP', 'victim');
    const closed = closedReason(nc, identity);
    const sys = await env.system();

    const result = await revokeUser({
      policy: parsePolicy(policy()),
      dir: env.dir,
      account: 'APP',
      user: 'victim',
      connection: sys.nc,
    });
    expect(result.pushed.map((p) => p.account)).toEqual([
      result.compiled.accounts.find((a) => a.name === 'APP')?.publicKey,
    ]);
    expect(result.revocation).toMatchObject({
      account: 'APP',
      user: 'victim',
      publicKey: identity.publicKey,
    });

    const reason = await within(closed, undefined, 'connection close');
    expect(reason).toBeInstanceOf(UserRevokedError);
    expect(reason).toMatchObject({ user: 'victim' });
    expect(await connectWith(oldCreds).catch((e: unknown) => e)).toBeInstanceOf(AuthorizationError);

    // Still in the policy: a rotation. The new creds work.
    const fresh = await creds('APP', 'victim');
    expect(fresh).not.toBe(oldCreds);
    const again = await connectWith(fresh);
    expect(again.identity.publicKey).not.toBe(identity.publicKey);
    await again.nc.close();
  });

  it('adds an account to the running server with apply, no restart', async () => {
    await expect(env.connect('SHIPPING', 'shipper')).rejects.toThrow(); // no creds yet
    const result = await env.apply(policy(SHIPPING));
    expect(result.changes.filter((c) => c.kind !== 'unchanged').map((c) => [c.account, c.kind])).toEqual([
      ['SHIPPING', 'added'],
    ]);
    const { nc } = await env.connect('SHIPPING', 'shipper');
    nc.publish('shipping.sent', 'x');
    await nc.flush();
  });

  it('keeps revocations, expiry and the added account across a server restart', async () => {
    const oldApiCreds = await creds('APP', 'api');
    const sys = await env.system();
    const { revocation } = await revokeUser({
      policy: parsePolicy(policy(SHIPPING)),
      dir: env.dir,
      account: 'APP',
      user: 'api',
      connection: sys.nc,
    });
    expect(revocation.user).toBe('api');

    await env.server.restart();

    expect(await connectWith(oldApiCreds).catch((e: unknown) => e)).toBeInstanceOf(AuthorizationError);
    expect(await connectWith(victimOldCreds).catch((e: unknown) => e)).toBeInstanceOf(AuthorizationError);
    expect(await env.connect('APP', 'expired').catch((e: unknown) => e)).toBeInstanceOf(UserExpiredError);
    expect((await env.connect('SHIPPING', 'shipper')).identity.user).toBe('shipper');
    expect((await env.connect('APP', 'api')).identity.publicKey).not.toBe(revocation.publicKey);
    // The server agrees with the last compile: nothing left to push.
    const diff = await applyPolicy({
      policy: parsePolicy(policy(SHIPPING)),
      dir: env.dir,
      connection: (await env.system()).nc,
      dryRun: true,
    });
    expect(diff.changes.map((c) => [c.account, c.kind])).toEqual([
      ['SYS', 'unchanged'],
      ['APP', 'unchanged'],
      ['SHIPPING', 'unchanged'],
    ]);
  });

  it('cuts off an account removed from the policy', async () => {
    const { nc, identity } = await env.connect('SHIPPING', 'shipper');
    const closed = closedReason(nc, identity);
    const shipperCreds = await creds('SHIPPING', 'shipper');
    const result = await env.apply(policy());
    expect(result.changes.find((c) => c.account === 'SHIPPING')?.kind).toBe('removed');
    const why = await within(closed, undefined, 'connection close');
    expect(why).toBeInstanceOf(UserRevokedError);
    expect(await connectWith(shipperCreds).catch((e: unknown) => e)).toBeInstanceOf(AuthorizationError);
  });
});
