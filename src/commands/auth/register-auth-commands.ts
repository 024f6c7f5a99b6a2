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
} from './auth-command.options';
import { type CommandIo, processIo, runAction } from '../cli-io';
import { addConnectionOptions } from '../connection.options';
import { UsageError } from '../usage.error';
import {
  addUserAction,
  applyAction,
  credsAction,
  diffAction,
  initAction,
  revokeAction,
} from './auth-actions';

// No default list: commander would count an empty default as given and never report a missing
// required `--role`.
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function common(cmd: Command): Command {
  return cmd
    .option('-p, --policy <file>', 'policy file (YAML or JSON)', DEFAULT_POLICY_FILE)
    .option('-d, --dir <dir>', 'auth directory: keys, jwt, creds, server-auth.conf', DEFAULT_AUTH_DIR)
    .option('--json', 'machine-readable output', false);
}

/**
 * The shared connection options, with the auth commands' own defaults: `--server` is `$NATS_URL`
 * or none (compile offline), `--creds` the system user's creds in `<dir>`. `$NATS_CREDS` and
 * `$NATS_INBOX_PREFIX` name an application user's connection and do not apply here: only the
 * system user may push, so those two are taken from the command line only.
 */
function server(cmd: Command): Command {
  return addConnectionOptions(common(cmd), {
    server: process.env.NATS_URL || undefined,
    credsHelp: 'system account creds (default: <dir>/creds/SYS/sys.creds)',
  })
    .option('--resolver-dir <dir>', "the server's full resolver directory (default: <dir>/resolver)")
    .option('--offline', 'compile only, push nothing, even when $NATS_URL is set (scripts)', false)
    .hook('preAction', (_program, action) => {
      for (const name of ['creds', 'inboxPrefix']) {
        if (action.getOptionValueSource(name) === 'default') action.setOptionValue(name, undefined);
      }
      if (action.getOptionValue('offline') === true) {
        if (action.getOptionValueSource('server') === 'cli')
          throw new UsageError('--offline and --server exclude each other');
        action.setOptionValue('server', undefined);
      }
    });
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
    .requiredOption('-r, --role <role>', 'role to grant (repeatable)', collect)
    .option('--user-inbox-prefix <prefix>', 'inbox prefix the new user connects with, e.g. _INBOX_billing')
    .option('--expires <time>', 'expiry: ISO 8601 (2026-12-31T23:59:59Z) or from now (90m, 12h, 30d, 2w)')
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
