import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { toAuthError } from '../../client/to-auth-error';
import { type RolePermissions } from '../../roles';
import { AuthTestEnv } from './auth-test-env';

/** The policy user a role test sets its streams up as (an `admin` role). */
export interface RoleTestAdmin {
  account: string;
  user: string;
}

/** The admin user of `rolePolicy`. */
const OPS: RoleTestAdmin = { account: 'APP', user: 'ops' };

/** A custom role of a policy file: the union of the publish allow-lists of `roles`, with the inbox. */
const customRole = (roles: RolePermissions[]): string =>
  `{ publish: { allow: [${roles
    .flatMap((r) => r.publish.allow)
    .map((s) => JSON.stringify(s))
    .join(', ')}] }, inbox: true }`;

/**
 * A policy of one account, `APP`, whose users each hold exactly the permissions the built-in role
 * functions returned for them (`{ worker: [periodicScheduler([...])] }`), as a custom role named after
 * the user; plus `ops`, with the `admin` role, which `useRoleEnv` sets the streams up as.
 */
export function rolePolicy(users: Record<string, RolePermissions[]>): string {
  const names = Object.keys(users);
  return [
    'operator: { name: jetbus-test }',
    'roles:',
    '  setup:',
    '    admin: {}',
    ...names.map((user) => `  ${user}-role: ${customRole(users[user])}`),
    'accounts:',
    `  ${OPS.account}:`,
    '    users:',
    `      ${OPS.user}: { roles: [setup] }`,
    ...names.map((user) => `      ${user}: { roles: [${user}-role] }`),
    '',
  ].join('\n');
}

/** Awaits an operation that must be refused; resolves with the refusal as the typed auth error of `user`. */
export async function refusal(promise: Promise<unknown>, user: string): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return toAuthError(e, user);
  }
  throw new Error('expected the operation to be refused');
}

/**
 * A nats-server in operator mode on `policy` for the `describe` it is called in: started in
 * `beforeAll`, where `setup` then creates the streams and consumers the roles are tried on, connected
 * as `admin` (by default the `ops` user of `rolePolicy`); stopped, with every connection, in `afterAll`.
 */
export function useRoleEnv(
  policy: string,
  setup: (jsm: JetStreamManager, env: AuthTestEnv) => Promise<void>,
  admin: RoleTestAdmin = OPS,
): Pick<AuthTestEnv, 'connect'> {
  let env: AuthTestEnv | undefined;
  beforeAll(async () => {
    env = await AuthTestEnv.start(policy);
    const { nc } = await env.connect(admin.account, admin.user);
    await setup(await jetstreamManager(nc), env);
  }, 60_000);
  afterAll(() => env?.stop());
  return {
    connect: (account, user) => {
      if (!env) throw new Error('the role test env is used before beforeAll ran (or after it failed)');
      return env.connect(account, user);
    },
  };
}
