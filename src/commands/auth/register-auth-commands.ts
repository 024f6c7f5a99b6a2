// Only types from commander: it is an ES module that Jest's CommonJS runtime cannot load, and the
// caller hands us its program anyway.
import { type Command } from 'commander';
import {
  type AuthAddUserOptions,
  type AuthCommonOptions,
  type AuthInitOptions,
  type AuthRevokeOptions,
  type AuthServerOptions,
  DEFAULT_AUTH_DIR,
  DEFAULT_POLICY_FILE,
  DEFAULT_SERVER_TIMEOUT_MS,
} from './auth-command.options';
import { type CommandIo, processIo, runAction } from '../cli-io';
import {
  addUserAction,
  applyAction,
  credsAction,
  diffAction,
  initAction,
  revokeAction,
} from './auth-actions';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new Error(`--timeout must be a positive number of milliseconds, got "${value}"`);
  return n;
}

function common(cmd: Command): Command {
  return cmd
    .option('-p, --policy <file>', 'policy file (YAML or JSON)', DEFAULT_POLICY_FILE)
    .option('-d, --dir <dir>', 'auth directory: keys, jwt, creds, server-auth.conf', DEFAULT_AUTH_DIR)
    .option('--json', 'machine-readable output', false);
}

function server(cmd: Command): Command {
  return common(cmd)
    .option('-s, --server <url>', 'running nats-server to compare with and push to')
    .option('--creds <file>', 'system account creds (default: <dir>/creds/SYS/sys.creds)')
    .option('--timeout <ms>', 'connect and request timeout', positiveInt, DEFAULT_SERVER_TIMEOUT_MS)
    .option('--resolver-dir <dir>', "the server's full resolver directory (default: <dir>/resolver)");
}

/**
 * Adds `jetbus auth init|apply|diff|add-user|revoke|creds`. Output is for people by default,
 * JSON with `--json`; failures print the error (each policy error with its path) and set exit code 1.
 */
export function registerAuthCommands(program: Command, io: CommandIo = processIo): Command {
  const auth = program
    .command('auth')
    .description(
      'decentralized NATS auth: compile a policy into operator/account/user JWTs and creds, push it',
    );

  common(auth.command('init'))
    .description('write a starter policy and compile it (keys, creds, server-auth.conf)')
    .option('--force', 'overwrite an existing policy file', false)
    .option('--resolver-dir <dir>', "the server's full resolver directory (default: <dir>/resolver)")
    .action(runAction(io, (options: AuthInitOptions) => initAction(options, io)));

  server(auth.command('apply'))
    .description('compile the policy, write the artifacts and push changed accounts to --server')
    .action(runAction(io, (options: AuthServerOptions) => applyAction(options, io)));

  server(auth.command('diff'))
    .description('show what apply would change (against --server, else the previous compile); writes nothing')
    .action(runAction(io, (options: AuthServerOptions) => diffAction(options, io)));

  server(auth.command('add-user'))
    .description('add a user to the policy and issue its creds')
    .argument('<account>', 'account name')
    .argument('<user>', 'user name')
    .requiredOption('-r, --role <role>', 'role to grant (repeatable)', collect, [])
    .option('--inbox-prefix <prefix>', 'inbox prefix the user connects with')
    .option('--expires <time>', 'ISO 8601 expiry, e.g. 2026-12-31T23:59:59Z')
    .option('--allow-cidr <cidr>', 'source network allowed to connect (repeatable)', collect, [])
    .action(
      runAction(io, (account: string, user: string, options: AuthAddUserOptions) =>
        addUserAction(account, user, options, io),
      ),
    );

  server(auth.command('revoke'))
    .description("revoke a user's key and push its account (closes its live connections)")
    .argument('<account>', 'account name')
    .argument('<user>', 'user name')
    .option('--rotate', 'keep the user and issue new creds instead of removing it from the policy', false)
    .action(
      runAction(io, (account: string, user: string, options: AuthRevokeOptions) =>
        revokeAction(account, user, options, io),
      ),
    );

  auth
    .command('creds')
    .description("print the path of a user's creds file (never its content)")
    .argument('<account>', 'account name')
    .argument('<user>', 'user name')
    .option('-d, --dir <dir>', 'auth directory', DEFAULT_AUTH_DIR)
    .option('--json', 'machine-readable output', false)
    .action(
      runAction(io, (account: string, user: string, options: AuthCommonOptions) =>
        credsAction(account, user, options, io),
      ),
    );

  return auth;
}
