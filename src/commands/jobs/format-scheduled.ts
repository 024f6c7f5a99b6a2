import {
  type CancelResult,
  type JobCancelResult,
  type ScheduledJob,
  type ScheduledPage,
} from '@jetbus/core/ops';
import { formatTable } from '../format-table';

/** The JSON view of a scheduled job: times as ISO strings, the payload as UTF-8 text (lossy) and its size. */
export function scheduledView(job: ScheduledJob): Record<string, unknown> {
  return {
    jobId: job.jobId,
    subject: job.subject,
    deliverAt: job.deliverAt?.toISOString() ?? null,
    scheduledAt: job.scheduledAt.toISOString(),
    seq: job.seq,
    size: job.data.length,
    headers: job.headers,
    payload: new TextDecoder().decode(job.data),
  };
}

export function pageView(page: ScheduledPage): Record<string, unknown> {
  return { jobs: page.jobs.map(scheduledView), next: page.next ?? null };
}

/** A table of scheduled jobs, then how to get the next page. Every cell is escaped by formatTable. */
export function formatScheduled(page: ScheduledPage, now = Date.now()): string[] {
  if (page.jobs.length === 0) return ['no scheduled jobs'];
  const lines = formatTable(
    ['JOB ID', 'SUBJECT', 'DELIVER AT', 'IN', 'SIZE'],
    page.jobs.map((j) => [
      j.jobId,
      j.subject,
      j.deliverAt?.toISOString() ?? '(now)',
      j.deliverAt ? inWords(j.deliverAt.getTime() - now) : '',
      j.data.length,
    ]),
  );
  if (page.next !== undefined) lines.push('', `more: --cursor ${page.next}`);
  return lines;
}

export function formatCancel(result: CancelResult): string[] {
  const what = {
    cancelled: 'cancelled: it will not be released',
    released: 'already released: it is (or will be) in its stream; nothing was cancelled',
    'not-found': 'not found: no such job is scheduled',
  }[result.outcome];
  return [`${result.jobId}: ${what}`];
}

export function formatJobCancel(result: JobCancelResult): string[] {
  if (result.outcome === 'requested') {
    const was = result.scheduled === 'released' ? ' (it had been released from the scheduling stream)' : '';
    return [
      `${result.jobId}: requested${was}: a worker with cancellation terms it when delivered, aborts it if running`,
    ];
  }
  const how = result.cancellation?.while;
  const detail =
    result.scheduled === 'cancelled'
      ? 'it will not be released'
      : how === 'running'
        ? `aborted while running${result.cancellation?.deadLettered ? ', dead-lettered' : ''}`
        : how === 'queued'
          ? 'termed when delivered; it never ran'
          : 'it will not run';
  return [`${result.jobId}: cancelled: ${detail}`];
}

/** `1h 5m`, `42s`, `due` for a time in the past. */
function inWords(ms: number): string {
  if (ms <= 0) return 'due';
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}
