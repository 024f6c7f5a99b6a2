import { Injectable } from '@nestjs/common';
import {
  JetbusConnection,
  type PeriodicSchedule,
  listPeriodic,
  periodicScheduleJson,
  pausePeriodic,
  resumePeriodic,
} from '@jetbus/core';
import { type AuditActor, AuditService } from '../audit/audit.service';
import { type PeriodicPausedDto, type PeriodicViewDto } from './dto/periodic-view.dto';

const toView = (s: PeriodicSchedule): PeriodicViewDto => periodicScheduleJson(s);

/** Periodic schedules through core's `listPeriodic` / `pausePeriodic` / `resumePeriodic` (one reader, one writer). */
@Injectable()
export class PeriodicService {
  constructor(
    private readonly connection: JetbusConnection,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<PeriodicViewDto[]> {
    return (await listPeriodic(this.connection.js)).map(toView);
  }

  /** Pauses or resumes `name` on every instance; audited as `periodic.pause` / `periodic.resume`. */
  setPaused(actor: AuditActor, name: string, paused: boolean): Promise<PeriodicPausedDto> {
    const action = paused ? 'periodic.pause' : 'periodic.resume';
    return this.audit.run(actor, { action, target: name }, async () => {
      if (paused) await pausePeriodic(this.connection.js, name);
      else await resumePeriodic(this.connection.js, name);
      return { name, paused };
    });
  }
}
