import { type PeriodicSchedule } from '@jetbus/core';
import { formatPeriodic, periodicView } from './format-periodic';

const schedule: PeriodicSchedule = {
  name: 'nightly',
  cron: '0 0 2 * * *',
  timezone: 'UTC',
  subject: 'reports.\u001b[31mred',
  overlap: true,
  missed: 'skip',
  service: 'reports',
  declaredAt: '2026-11-30T08:00:00.000Z',
  paused: false,
  pausedAt: undefined,
  lastTick: new Date('2026-11-30T02:00:00.000Z'),
  nextTick: new Date('2026-12-01T02:00:00.000Z'),
};

describe('jetbus periodic list output', () => {
  it('a table with every cell escaped: bucket contents are untrusted', () => {
    const lines = formatPeriodic([schedule, { ...schedule, name: 'paused-one', paused: true }]);
    expect(lines[0]).toMatch(/^NAME\s+CRON\s+TIMEZONE\s+SUBJECT\s+STATE\s+LAST TICK\s+NEXT TICK$/);
    expect(lines.join('\n')).not.toContain('\u001b');
    expect(lines[1]).toMatch(
      /nightly\s+0 0 2 \* \* \*\s+UTC\s+reports\.\S+red\s+active\s+2026-11-30T02:00:00.000Z\s+2026-12-01/,
    );
    expect(lines[2]).toMatch(/paused-one.*paused\s+2026-11-30T02:00:00.000Z\s+-$/);
  });

  it('says so when no worker declared a schedule', () => {
    expect(formatPeriodic([])).toEqual(['no periodic schedules (no worker with periodic jobs has started)']);
  });

  it('JSON: times as ISO strings or null', () => {
    expect(periodicView(schedule)).toMatchObject({
      handler: null,
      pausedAt: null,
      lastTick: '2026-11-30T02:00:00.000Z',
    });
  });
});
