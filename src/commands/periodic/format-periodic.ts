import { type PeriodicSchedule } from '@jetbus/core';
import { formatTable } from '../format-table';

/** The JSON view of a schedule: times as ISO strings or null. */
export function periodicView(s: PeriodicSchedule): Record<string, unknown> {
  return {
    name: s.name,
    cron: s.cron,
    timezone: s.timezone,
    subject: s.subject,
    overlap: s.overlap,
    missed: s.missed,
    handler: s.handler ?? null,
    service: s.service,
    paused: s.paused,
    pausedAt: s.pausedAt?.toISOString() ?? null,
    lastTick: s.lastTick?.toISOString() ?? null,
    nextTick: s.nextTick?.toISOString() ?? null,
  };
}

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
