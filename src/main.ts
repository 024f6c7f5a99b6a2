#!/usr/bin/env node
import { Command } from 'commander';
import { registerAuthCommands } from './commands/auth';
import { registerDlqCommands } from './commands/dlq';
import { registerStreamCommands } from './commands/streams';

/** The `jetbus` command line. */
const program = new Command('jetbus')
  .description('jetbus: reliable NestJS jobs and events on NATS JetStream')
  .version('0.1.0');
registerAuthCommands(program);
registerStreamCommands(program);
registerDlqCommands(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
