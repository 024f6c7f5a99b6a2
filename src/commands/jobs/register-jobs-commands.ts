// Only types from commander: it is an ES module that Jest's CommonJS runtime cannot load, and the
// caller hands us its program anyway.
import { type Command } from 'commander';
import { type CommandIo, processIo, runAction } from '../cli-io';
import { addConnectionOptions } from '../connection.options';
import { cancelAction, scheduledAction } from './jobs-actions';
import { type JobsCancelOptions, type JobsScheduledOptions, SCHEDULED_STREAM } from './jobs-command.options';

function withServer(cmd: Command): Command {
  return addConnectionOptions(cmd)
    .option('--stream <name>', 'the scheduling stream', SCHEDULED_STREAM)
    .option('--json', 'machine-readable output');
}

/**
 * Adds `jetbus jobs scheduled|cancel`: list delayed jobs waiting for their due time, cancel one.
 * Output is for people by default, JSON with `--json`; failures set exit code 1, bad usage 2.
 */
export function registerJobsCommands(program: Command, io: CommandIo = processIo): Command {
  const jobs = program.command('jobs').description('delayed jobs: list scheduled jobs, cancel one');

  withServer(jobs.command('scheduled'))
    .description('jobs waiting for their due time, in the order they were scheduled')
    .option('--subject <subject>', 'only jobs for this subject, exact or with wildcards (orders.*, orders.>)')
    .option('--limit <n>', 'at most this many (1 to 1000)', '100')
    .option('--cursor <seq>', 'continue where the previous page ended (its "more: --cursor")')
    .action(runAction(io, (options: JobsScheduledOptions) => scheduledAction(options, io)));

  withServer(jobs.command('cancel'))
    .argument('<jobId>', 'the job id publish() returned (Jetbus-Job-Id), or <stream>:<seq> with --queued')
    .description(
      'cancel a scheduled job before its release; says whether it was cancelled or already released',
    )
    .option(
      '--queued',
      'also cancel a queued or running job: records the request for workers with `cancellation` (exit 0 when requested)',
    )
    .action(runAction(io, (jobId: string, options: JobsCancelOptions) => cancelAction(jobId, options, io)));

  return jobs;
}
