// Only types from commander: it is an ES module that Jest's CommonJS runtime cannot load, and the
// caller hands us its program anyway.
import { type Command } from 'commander';
import { type CommandIo, processIo, runAction } from '../cli-io';
import { addConnectionOptions } from '../connection.options';
import { type PeriodicCommandOptions, listAction, pauseAction, resumeAction } from './periodic-actions';

function withServer(cmd: Command): Command {
  return addConnectionOptions(cmd).option('--json', 'machine-readable output');
}

/**
 * Adds `jetbus periodic list|pause|resume`: the schedules workers declared, and their paused flag.
 * Output is for people by default, JSON with `--json`; failures set exit code 1, bad usage 2.
 */
export function registerPeriodicCommands(program: Command, io: CommandIo = processIo): Command {
  const periodic = program.command('periodic').description('periodic (cron) jobs: list, pause, resume');

  withServer(periodic.command('list'))
    .description('every schedule a worker declared: cron, time zone, paused, last and next tick')
    .action(runAction(io, (options: PeriodicCommandOptions) => listAction(options, io)));

  withServer(periodic.command('pause'))
    .argument('<name>', 'the schedule name')
    .description('stop publishing ticks of a schedule on every instance, from its next tick')
    .action(runAction(io, (name: string, options: PeriodicCommandOptions) => pauseAction(name, options, io)));

  withServer(periodic.command('resume'))
    .argument('<name>', 'the schedule name')
    .description(
      'publish ticks of a paused schedule again, from its next tick (paused ones are not caught up)',
    )
    .action(
      runAction(io, (name: string, options: PeriodicCommandOptions) => resumeAction(name, options, io)),
    );

  return periodic;
}
