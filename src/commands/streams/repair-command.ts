// Only types from commander: it is an ES module that Jest's CommonJS runtime cannot load, and the
// caller hands us its command anyway.
import type { Command } from 'commander';
import { jetstreamManager } from '@nats-io/jetstream';
import { type StreamRepairReport, repairStream } from '@jetbus/core/ops';
import { type CommandIo, print, processIo, runAction } from '../cli-io';
import { type ServerCommandOptions, addConnectionOptions } from '../connection.options';
import { formatTable } from '../format-table';
import { parseStreamName } from '../parse-stream-name';
import { withCommandConnection } from '../with-command-connection';

export interface StreamRepairCommandOptions extends ServerCommandOptions {
  dryRun?: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What a person reads: a summary line, the consumers with their floors, then every message touched. */
export function formatRepairReport(report: StreamRepairReport): string[] {
  const verb = report.dryRun ? 'would remove' : 'removed';
  const lines = [
    `${report.stream}: ${verb} ${plural(report.removed.length, 'stranded message')}, ` +
      `left ${report.left.length} not provably acked` +
      (report.alreadyDeleted.length ? `, ${report.alreadyDeleted.length} already deleted` : '') +
      (report.dryRun ? ' (dry run: nothing deleted)' : '') +
      (report.aborted ? ' (interrupted: run it again to finish)' : ''),
    '',
    ...formatTable(
      ['CONSUMER', 'FILTER', 'ACK FLOOR', 'DELIVERED', 'PENDING', 'ACK PENDING', 'NOTE'],
      report.consumers.map((c) => [
        c.name,
        c.filterSubjects.join(',') || '(all)',
        c.ackFloor,
        c.delivered,
        c.numPending,
        c.numAckPending,
        c.skipped ? `not trusted: ${c.skipped}` : '',
      ]),
    ),
  ];
  const rows = [
    ...report.removed.map((m) => [m.seq, m.subject, m.consumer, verb]),
    ...report.left.map((m) => [m.seq, m.subject, m.consumer, `left: ${m.reason}`]),
  ].sort((a, b) => (a[0] as number) - (b[0] as number));
  if (rows.length) lines.push('', ...formatTable(['SEQ', 'SUBJECT', 'CONSUMER', 'ACTION'], rows));
  return lines;
}

/**
 * `jetbus streams repair <stream>`: removes the messages a work-queue stream kept below its
 * consumers' ack floors after a server crash. Exit code 1 when the stream is missing or not a work
 * queue, or when Ctrl-C stopped it; messages left because they are not provably acked are reported,
 * not a failure.
 */
export async function repairAction(
  stream: string,
  options: StreamRepairCommandOptions,
  io: CommandIo,
): Promise<void> {
  const name = parseStreamName(stream, 'stream');
  // Ctrl-C stops before the next batch; what was deleted is reported, and a re-run finishes.
  const abort = new AbortController();
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  try {
    await withCommandConnection(options, async (nc, deadline) => {
      const jsm = await jetstreamManager(nc, { timeout: options.timeout });
      const signal = AbortSignal.any([abort.signal, deadline.signal]);
      const report = await repairStream(jsm, name, { dryRun: !!options.dryRun, signal });
      print(io, !!options.json, report, () => formatRepairReport(report));
      if (report.aborted) io.setExitCode(1);
    });
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
}

/** Adds `repair <stream> [--dry-run] [--json]` to the `streams` command. */
export function registerStreamRepairCommand(streams: Command, io: CommandIo = processIo): Command {
  return addConnectionOptions(
    streams
      .command('repair')
      .argument('<stream>', 'a work-queue stream')
      .description(
        'remove messages a server crash left below their consumer ack floor (acked, never deleted); ' +
          'jobs still waiting or pending are never touched',
      ),
  )
    .option('--dry-run', 'list what would be removed, delete nothing')
    .option('--json', 'machine-readable output')
    .action(
      runAction(io, (stream: string, options: StreamRepairCommandOptions) =>
        repairAction(stream, options, io),
      ),
    );
}
