import { type PeriodicSchedule } from './manage-periodic';

/** A schedule as JSON shows it (the CLI's `--json`, the admin API): times as ISO strings, absent ones null. */
export interface PeriodicScheduleJson {
  name: string;
  cron: string;
  timezone: string;
  subject: string;
  overlap: boolean;
  missed: PeriodicSchedule['missed'];
  handler: string | null;
  service: string;
  paused: boolean;
  pausedAt: string | null;
  lastTick: string | null;
  nextTick: string | null;
}

export const periodicScheduleJson = (s: PeriodicSchedule): PeriodicScheduleJson => ({
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
});
