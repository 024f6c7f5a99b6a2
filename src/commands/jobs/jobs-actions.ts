import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  CancellationStore,
  JOB_ID_PATTERN,
  cancelJob,
  cancelScheduled,
  checkCancellableJobId,
  listScheduled,
} from '@jetbus/core/ops';
import { escapeTerminal } from '../escape-terminal';
import { type CommandIo, print } from '../cli-io';
import { UsageError } from '../usage.error';
import { parseStreamName } from '../parse-stream-name';
import { withCommandConnection } from '../with-command-connection';
import { type JobsCancelOptions, type JobsScheduledOptions, parseCount } from './jobs-command.options';
import { formatCancel, formatJobCancel, formatScheduled, pageView } from './format-scheduled';

/** `jetbus jobs scheduled`: one page of the jobs waiting in the scheduling stream. */
export async function scheduledAction(options: JobsScheduledOptions, io: CommandIo): Promise<void> {
  const stream = parseStreamName(options.stream, '--stream');
  const limit = parseCount(options.limit, '--limit', 1000);
  const cursor = options.cursor === undefined ? undefined : parseCount(options.cursor, '--cursor');
  await withCommandConnection(options, async (nc) => {
    const jsm = await jetstreamManager(nc, { timeout: options.timeout });
    const page = await listScheduled(jsm, { stream, subject: options.subject, limit, cursor });
    print(io, !!options.json, pageView(page), () => formatScheduled(page));
  });
}

/**
 * `jetbus jobs cancel <jobId>`: exit code 0 when the job is cancelled (now or before), 1 when it was
 * already released or is not scheduled, so scripts can tell. With `--queued` it also covers queued
 * and running jobs (workers with the module's `cancellation` watch `JETBUS_CANCELLED`): exit 0 when
 * cancelled or when the request is recorded (`requested`).
 */
export async function cancelAction(jobId: string, options: JobsCancelOptions, io: CommandIo): Promise<void> {
  const stream = parseStreamName(options.stream, '--stream');
  const valid = options.queued ? isCancellableJobId(jobId) : JOB_ID_PATTERN.test(jobId);
  if (!valid) {
    throw new UsageError(
      `jobId must be 1 to 128 letters, digits, "-" or "_"${options.queued ? ', or <stream>:<seq>' : ''}, got "${escapeTerminal(jobId)}"`,
    );
  }
  await withCommandConnection(options, async (nc) => {
    const js = jetstream(nc, { timeout: options.timeout });
    if (options.queued) {
      const result = await cancelJob(js, jobId, {
        store: new CancellationStore(js),
        schedulingStream: stream,
      });
      print(
        io,
        !!options.json,
        {
          jobId: result.jobId,
          outcome: result.outcome,
          subject: result.job?.subject ?? null,
          scheduled: result.scheduled ?? null,
          cancellation: result.cancellation ?? null,
        },
        () => formatJobCancel(result),
      );
      return;
    }
    const result = await cancelScheduled(js, jobId, { stream });
    print(
      io,
      !!options.json,
      { jobId: result.jobId, outcome: result.outcome, subject: result.job?.subject ?? null },
      () => formatCancel(result),
    );
    if (result.outcome !== 'cancelled') io.setExitCode(1);
  });
}

function isCancellableJobId(jobId: string): boolean {
  try {
    checkCancellableJobId(jobId);
    return true;
  } catch {
    return false;
  }
}
