import { type PeriodicSchedule, periodicScheduleJson } from '@jetbus/core/ops';
import { formatTable } from '../format-table';

/** The JSON view of a schedule (core's, as the admin API shows it). */
export const periodicView = periodicScheduleJson;

/**
 * A table of schedules. Names, crons, zones and subjects come from the bucket (any worker, or anyone
 * with write access to it, wrote them): formatTable escapes every cell.
 */
export function formatPeriodic(schedules: PeriodicSchedule[]): string[] {
  if (schedules.length === 0) return ['no periodic schedules (no worker with periodic jobs has started)'];
  return formatTable(
    ['NAME', 'CRON', 'TIMEZONE', 'SUBJECT', 'STATE', 'LAST TICK', 'NEXT TICK'],
    schedules.map((s) => [
      s.name,
      s.cron,
      s.timezone,
      s.subject,
      s.paused ? 'paused' : 'active',
      s.lastTick?.toISOString() ?? '-',
      s.paused ? '-' : (s.nextTick?.toISOString() ?? '-'),
    ]),
  );
}
