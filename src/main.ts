#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAdminCredentialCommands } from './commands/admin';
import { registerAdminStartCommand } from './commands/admin/admin-start.command';
import { registerAuthCommands } from './commands/auth';
import { exitCodeFor } from './commands/cli-io';
import { registerDlqCommands } from './commands/dlq';
import { registerJobsCommands } from './commands/jobs';
import { registerPeriodicCommands } from './commands/periodic';
import { registerKeysCommands } from './commands/keys';
import { escapeTerminal } from './commands/escape-terminal';
import { ExitCodes } from './commands/exit-codes';
import { registerStreamCommands } from './commands/streams';

/** Help commander prints for a group command called without a subcommand; it becomes one line. */
let errorHelp = '';

/** The version of the `@jetbus/cli` package, read from its package.json (one place to bump). */
const { version } = JSON.parse(readFileSync(require.resolve('@jetbus/cli/package.json'), 'utf8')) as {
  version: string;
};

/** The `jetbus` command line. */
const program = new Command('jetbus')
  .description('jetbus: reliable NestJS jobs and events on NATS JetStream')
  .version(version)
  // Before any command is added: subcommands inherit both. Commander then throws instead of
  // exiting, and its usage errors are printed below, as one line, with exit code 2.
  .exitOverride()
  .configureOutput({
    outputError: () => undefined,
    writeErr: (text) => void (errorHelp += text),
  });
registerAuthCommands(program);
registerStreamCommands(program);
registerDlqCommands(program);
registerJobsCommands(program);
registerPeriodicCommands(program);
registerKeysCommands(program);
registerAdminStartCommand(program);
registerAdminCredentialCommands(program);

/** One line on stderr, whatever the error: no stack trace, no control characters. */
function reportError(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`error: ${escapeTerminal(message.replace(/^error: /, '').replace(/\n+/g, ' '))}\n`);
}

/** Commander's own exits: help and version are successes, everything else is bad usage. */
function reportCommanderExit(e: CommanderError): number {
  if (e.exitCode === 0) return ExitCodes.Ok;
  if (e.code === 'commander.help' || e.code === 'commander.helpDisplayed') {
    // A group command (`jetbus dlq`) without its subcommand: commander prints the whole help.
    const usage = /Usage: (.*)/.exec(errorHelp)?.[1]?.replace(/ \[options\]/g, '') ?? 'jetbus';
    reportError(`missing command: ${usage} (see --help)`);
  } else {
    reportError(e);
  }
  return ExitCodes.Usage;
}

/** Ends the process once stdout and stderr are flushed. */
function exit(code: number): void {
  let pending = 2;
  const done = () => --pending === 0 && process.exit(code);
  process.stdout.write('', done);
  process.stderr.write('', done);
}

// A bug or a library's stray rejection must still end in one line and a non-zero exit.
const crash = (e: unknown) => {
  reportError(e);
  exit(ExitCodes.Failed);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

program
  .parseAsync(process.argv)
  .then(
    () => Number(process.exitCode ?? ExitCodes.Ok),
    (e: unknown) => {
      if (e instanceof CommanderError) return reportCommanderExit(e);
      reportError(e);
      return exitCodeFor(e);
    },
  )
  // Exit explicitly: the command is over, and a handle a library left open (a socket, a timer) must
  // not keep the CLI running past its deadline.
  .then(exit, crash);
