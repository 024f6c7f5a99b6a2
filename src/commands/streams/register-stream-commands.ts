// Only types from commander: it is an ES module that Jest's CommonJS runtime cannot load, and the
// caller hands us its program anyway.
import { type Command } from 'commander';
import { type CommandIo, processIo, runAction } from '../cli-io';
import { type ServerCommandOptions, addConnectionOptions } from '../connection.options';
import { registerStreamRepairCommand } from './repair-command';
import { infoAction, lsAction } from './stream-actions';

/** `jetbus streams ls|info|repair`. */
export function registerStreamCommands(program: Command, io: CommandIo = processIo): Command {
  const streams = program.command('streams').description('inspect JetStream streams');
  const withServer = (c: Command) => addConnectionOptions(c).option('--json', 'machine-readable output');

  withServer(streams.command('ls').description('list streams with message counts')).action(
    runAction(io, (options: ServerCommandOptions) => lsAction(options, io)),
  );

  withServer(
    streams.command('info').argument('<stream>').description('config, state and consumers of a stream'),
  ).action(runAction(io, (name: string, options: ServerCommandOptions) => infoAction(name, options, io)));
  registerStreamRepairCommand(streams, io);
  return streams;
}
