import { type JetStreamManager } from '@nats-io/jetstream';
import { type Logger } from 'pino';
import { RepairNotSupportedError } from '../errors';
import { repairStream } from './repair-stream';
import { type RepairStreamOptions } from './repair-stream.options';
import { type StreamRepairReport } from './stream-repair.report';

/** Sequences named in one log record at most; the count is always exact. */
const LOGGED_SEQS = 50;

/**
 * Repairs each of `streams` that is a work queue, for a worker at startup: removes what a server
 * crash stranded before the first pull, and logs what it removed and what it left. It never fails
 * the startup: a stream that is not a work queue is skipped, and any other failure (a missing
 * stream, a user without `STREAM.MSG.DELETE` permission) is logged as a warning. Every instance of a
 * service may run it at once: a message another instance deleted first is counted as already deleted.
 * Resolves with the report of every stream repaired.
 */
export async function repairWorkQueues(
  jsm: JetStreamManager,
  streams: readonly string[],
  logger: Logger,
  options: Omit<RepairStreamOptions, 'dryRun'> = {},
): Promise<StreamRepairReport[]> {
  const reports: StreamRepairReport[] = [];
  for (const stream of new Set(streams)) {
    try {
      const report = await repairStream(jsm, stream, options);
      reports.push(report);
      logReport(logger, report);
    } catch (e) {
      if (e instanceof RepairNotSupportedError) {
        logger.debug({ stream, retention: e.retention }, 'jetbus repair: not a work queue, skipped');
      } else {
        logger.warn({ stream, err: e }, 'jetbus repair: could not repair stream; stranded messages stay');
      }
    }
  }
  return reports;
}

function logReport(logger: Logger, report: StreamRepairReport): void {
  const { stream, removed, left, alreadyDeleted } = report;
  if (removed.length) {
    logger.info(
      { stream, removed: removed.length, seqs: removed.slice(0, LOGGED_SEQS).map((m) => m.seq) },
      'jetbus repair: removed stranded work-queue messages (acked, but kept by a server crash)',
    );
  }
  if (left.length) {
    logger.warn(
      {
        stream,
        left: left.length,
        messages: left
          .slice(0, LOGGED_SEQS)
          .map((m) => ({ seq: m.seq, consumer: m.consumer, reason: m.reason })),
      },
      'jetbus repair: kept messages below an ack floor that are not provably acked',
    );
  }
  if (!removed.length && !left.length) {
    logger.debug({ stream, alreadyDeleted: alreadyDeleted.length }, 'jetbus repair: nothing stranded');
  }
}
