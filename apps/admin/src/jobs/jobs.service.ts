import { Inject, Injectable } from '@nestjs/common';
import { CancellationStore, JetbusConnection, cancelJob } from '@jetbus/core';
import { type AuditActor, AuditService } from '../audit/audit.service';
import { ADMIN_OPTIONS, type ResolvedAdminOptions } from '../options/resolve-admin-options';
import { type JobCancelDto } from './dto/job-cancel.dto';

/** Cancels jobs by id wherever they are (scheduled, queued, running), as `jetbus jobs cancel --queued`. */
@Injectable()
export class JobsService {
  private store?: CancellationStore;

  constructor(
    private readonly connection: JetbusConnection,
    private readonly audit: AuditService,
    @Inject(ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions,
  ) {}

  cancel(actor: AuditActor, jobId: string): Promise<JobCancelDto> {
    return this.audit.run(actor, { action: 'job.cancel', target: jobId }, async () => {
      this.store ??= new CancellationStore(this.connection.js);
      const result = await cancelJob(this.connection.js, jobId, {
        store: this.store,
        // The stream the Scheduled page lists and cancels from: the app's option, not core's default.
        schedulingStream: this.options.schedulingStream,
      });
      return {
        jobId: result.jobId,
        outcome: result.outcome,
        scheduled: result.scheduled ?? null,
        subject: result.job?.subject ?? null,
        cancellation: result.cancellation ?? null,
      };
    });
  }
}
