// Only types from commander: it is an ES module that Jest's CommonJS runtime cannot load, and the
// caller hands us its program anyway.
import { type Command } from 'commander';
import { type CommandIo, processIo, runAction } from '../cli-io';
import { addConnectionOptions } from '../connection.options';
import { adminStartAction } from './admin-start-action';
import { type AdminStartCommandOptions, parseHostOption, parsePortOption } from './admin-start.options';

/**
 * Adds `jetbus admin start` (also plain `jetbus admin`): the admin app as a process. The `admin`
 * command is shared with the credential subcommands, so it is reused when already registered.
 */
export function registerAdminStartCommand(program: Command, io: CommandIo = processIo): Command {
  const admin =
    program.commands.find((c) => c.name() === 'admin') ??
    program.command('admin').description('the jetbus admin app');
  const start = addConnectionOptions(admin.command('start', { isDefault: true }), {
    credsHelp: 'the app’s own user credentials (.creds), role admin-app (env NATS_CREDS)',
  })
    .description('start the admin web UI and API; prints its URL and runs until Ctrl-C')
    .option('--config <file>', 'YAML or JSON admin options (users, tokens, oidc, https, ...)')
    .option(
      '--host <address>',
      'interface to listen on (default: the config’s, else 127.0.0.1)',
      parseHostOption,
    )
    .option(
      '--port <port>',
      'port to listen on, 0 for any free one (default: the config’s, else 4280)',
      parsePortOption,
    )
    .option('--dev', 'no users configured: create a one-time admin login for this run and print it');
  // The shared connection options include a client certificate, which the app refuses (it
  // authenticates with creds): kept so that the refusal says why, but not offered in --help.
  for (const option of start.options)
    if (option.long === '--tls-cert' || option.long === '--tls-key') option.hideHelp();
  start.action(
    runAction(io, (options: AdminStartCommandOptions) =>
      adminStartAction(options, (name) => start.getOptionValueSource(name), io),
    ),
  );
  return start;
}
