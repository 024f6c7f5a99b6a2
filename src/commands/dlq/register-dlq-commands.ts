// Only types from commander: it is an ES module that Jest's CommonJS runtime cannot load, and the
// caller hands us its program anyway.
import { type Command } from 'commander';
import { DEAD_LETTER_REASONS } from '@jetbus/core/ops';
import { type CommandIo, processIo, runAction } from '../cli-io';
import { addConnectionOptions } from '../connection.options';
import { REPLAY_CONFIRM_THRESHOLD } from './confirm-replay';
import { lsAction, purgeAction, replayAction, rmAction, showAction } from './dlq-actions';
import {
  DEAD_LETTER_DEFAULT_STREAM,
  type DlqCommandOptions,
  type DlqShowOptions,
  type DlqListOptions,
  type DlqPurgeOptions,
  type DlqReplayOptions,
  REPLAY_DEFAULT_RATE_PER_SECOND,
} from './dlq-command.options';

function withServer(cmd: Command): Command {
  return addConnectionOptions(cmd)
    .option('--stream <name>', 'the dead-letter stream', DEAD_LETTER_DEFAULT_STREAM)
    .option('--json', 'machine-readable output');
}

function withFilters(cmd: Command): Command {
  return cmd
    .option('--subject <subject>', 'original subject, exact or with wildcards (orders.*, orders.>)')
    .option('--consumer <durable>', 'the consumer that gave up on the job')
    .option('--reason <reason>', DEAD_LETTER_REASONS.join(' | '))
    .option('--error <text>', 'text in the error class or message (case-insensitive)')
    .option('--since <iso>', 'failed at or after this time (ISO 8601)')
    .option('--until <iso>', 'failed before this time (ISO 8601)')
    .option('--limit <n>', 'at most this many, oldest first');
}

/**
 * Adds `jetbus dlq ls|show|replay|rm|purge`: inspect, replay and delete dead letters. Output is for
 * people by default, JSON with `--json`; failures set exit code 1, bad usage 2.
 */
export function registerDlqCommands(program: Command, io: CommandIo = processIo): Command {
  const dlq = program.command('dlq').description('dead letters: list, show, replay, delete');

  withFilters(withServer(dlq.command('ls')))
    .description('list dead letters, oldest first')
    .action(runAction(io, (options: DlqListOptions) => lsAction(options, io)));

  withServer(dlq.command('show'))
    .argument('<dlqSeq>', 'the dead letter (its DLQ stream sequence)')
    .description('one dead letter: error, stack, original headers and payload')
    .option(
      '--keys <file>',
      'a key ring file (jetbus keys) to decrypt an encrypted payload; else shown as ciphertext',
    )
    .action(runAction(io, (seq: string, options: DlqShowOptions) => showAction(seq, options, io)));

  withFilters(withServer(dlq.command('replay')))
    .argument('[dlqSeq...]', 'dead letters to replay (DLQ stream sequences)')
    .description('publish dead letters back to their original subjects, then delete them')
    .option('--all', 'replay every dead letter (needed when no dlqSeq and no filter is given)')
    .option('--rate <n>', 'replays per second at most', String(REPLAY_DEFAULT_RATE_PER_SECOND))
    .option('--dry-run', 'show what would be replayed, publish and delete nothing')
    .option('--yes', `replay more than ${REPLAY_CONFIRM_THRESHOLD} dead letters without asking`)
    .action(runAction(io, (ids: string[], options: DlqReplayOptions) => replayAction(ids, options, io)));

  withServer(dlq.command('rm'))
    .argument('<dlqSeq...>', 'dead letters to delete')
    .description('delete dead letters without replaying them')
    .action(runAction(io, (ids: string[], options: DlqCommandOptions) => rmAction(ids, options, io)));

  withFilters(withServer(dlq.command('purge')))
    .description('delete every dead letter matching the filters (all without filters)')
    .option('--yes', 'really delete')
    .action(runAction(io, (options: DlqPurgeOptions) => purgeAction(options, io)));

  return dlq;
}
