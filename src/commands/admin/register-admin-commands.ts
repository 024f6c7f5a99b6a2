// Only types from commander: it is an ES module that Jest's CommonJS runtime cannot load, and the
// caller hands us its program anyway.
import { type Command } from 'commander';
import { type CommandIo, processIo, runAction } from '../cli-io';
import { type TokenCommandOptions, hashPasswordAction, tokenAction } from './admin-credential-actions';
import { type SecretInput, processSecretInput } from './secret-input';

/**
 * Adds `jetbus admin hash-password` and `jetbus admin token`: the credentials the admin app's
 * config holds. The `admin` command is shared with the app's own start command, so it is reused
 * when already registered, whichever registers first.
 */
export function registerAdminCredentialCommands(
  program: Command,
  io: CommandIo = processIo,
  input: SecretInput = processSecretInput,
): Command {
  const admin =
    program.commands.find((c) => c.name() === 'admin') ??
    program.command('admin').description('the jetbus admin app');

  admin
    .command('hash-password')
    .description('read a password (prompt without echo, or stdin) and print its scrypt hash for `users:`')
    .action(runAction(io, () => hashPasswordAction(io, input)));

  admin
    .command('token')
    .description('print a new API token once, and the `tokens:` entry (its SHA-256) for the config')
    .requiredOption('--name <name>', 'who the token is for (audit trail name)')
    .requiredOption('--role <role>', 'viewer | operator | admin')
    .option('--json', 'machine-readable output')
    .action(runAction(io, (options: TokenCommandOptions) => tokenAction(options, io)));
  return admin;
}
