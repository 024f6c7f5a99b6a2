import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import {
  JetbusConnection,
  type ScheduledJob,
  StreamNotFoundError,
  cancelScheduled,
  isStreamNotFound,
  listScheduled,
} from '@jetbus/core';
import { type AuditActor, type AuditedAction, AuditService } from '../audit/audit.service';
import { ADMIN_OPTIONS, type ResolvedAdminOptions } from '../options/resolve-admin-options';
import { type CancelledJobDto } from './dto/cancelled-job.dto';
import { type ListScheduledQuery, SCHEDULED_DEFAULT_LIMIT } from './dto/list-scheduled.query';
import { type ScheduledJobDto } from './dto/scheduled-job.dto';
import { type ScheduledPageDto } from './dto/scheduled-page.dto';

/** The audit target of one scheduled job: `<scheduling stream>/<job id>`. */
export const scheduledTarget = (stream: string, jobId: string): string => `${stream}/${jobId}`;

/** What a cancel records as `before`: the job as it waited. */
interface AuditedScheduledJob {
  jobId: string;
  subject: string;
  deliverAt: string | null;
  seq: number;
}

const viewOf = (job: ScheduledJob): ScheduledJobDto => ({
  jobId: job.jobId,
  subject: job.subject,
  deliverAt: job.deliverAt?.toISOString() ?? null,
  scheduledAt: job.scheduledAt.toISOString(),
  seq: job.seq,
  bytes: job.data.length,
});

/**
 * Delayed jobs waiting in the scheduling stream: listing through core's `listScheduled` (message
 * gets by subject, never the whole stream), cancelling through core's `cancelScheduled`, which is
 * race-free against a worker's release (one KV create decides). Every cancel is audited.
 */
@Injectable()
export class ScheduledService {
  constructor(
    private readonly connection: JetbusConnection,
    private readonly audit: AuditService,
    @Inject(ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions,
  ) {}

  private get stream(): string {
    return this.options.schedulingStream;
  }

  async list(query: ListScheduledQuery): Promise<ScheduledPageDto> {
    const { jsm } = this.connection;
    try {
      const [page, info] = await Promise.all([
        listScheduled(jsm, {
          stream: this.stream,
          limit: query.limit ?? SCHEDULED_DEFAULT_LIMIT,
          ...(query.subject !== undefined ? { subject: query.subject } : {}),
          ...(query.cursor !== undefined ? { cursor: Number(query.cursor) } : {}),
        }),
        jsm.streams.info(this.stream),
      ]);
      return {
        items: page.jobs.map(viewOf),
        next: page.next === undefined ? null : String(page.next),
        total: info.state.messages,
      };
    } catch (e) {
      // No scheduling stream yet means nothing was ever scheduled, not an error to show.
      if (e instanceof StreamNotFoundError || isStreamNotFound(e)) return { items: [], next: null, total: 0 };
      throw e;
    }
  }

  /**
   * Cancels a job before its release. 404 when no such job is scheduled (or it is older than the
   * outcomes' 7 days), 409 when a worker released it first; a repeated cancel answers as the first.
   */
  async cancel(actor: AuditActor, jobId: string): Promise<CancelledJobDto> {
    // Filled in by the cancel itself, which reads the entry it deletes: AuditService builds the
    // entry after `fn` settles, so before/after hold what the cancel found, on success and failure.
    const action: AuditedAction = { action: 'scheduled.cancel', target: scheduledTarget(this.stream, jobId) };
    return this.audit.run(actor, action, async () => {
      const result = await cancelScheduled(this.connection.js, jobId, { stream: this.stream });
      const before: AuditedScheduledJob | undefined = result.job && {
        jobId,
        subject: result.job.subject,
        deliverAt: result.job.deliverAt?.toISOString() ?? null,
        seq: result.job.seq,
      };
      if (before) action.before = before;
      action.after = { outcome: result.outcome };
      if (result.outcome === 'not-found')
        throw new NotFoundException(`no scheduled job ${jobId} in ${this.stream}`);
      if (result.outcome === 'released')
        throw new ConflictException(
          `job ${jobId} was already released to its subject; it is no longer scheduled`,
        );
      return {
        jobId,
        outcome: 'cancelled' as const,
        subject: before?.subject ?? null,
        deliverAt: before?.deliverAt ?? null,
      };
    });
  }
}
