import { parseDueTime } from './scheduled-job';

describe('parseDueTime', () => {
  it('reads ISO 8601 and epoch milliseconds', () => {
    expect(parseDueTime('2026-11-30T08:00:00.000Z')).toBe(Date.parse('2026-11-30T08:00:00.000Z'));
    expect(parseDueTime('1700000000000')).toBe(1_700_000_000_000);
  });

  it('is undefined for what it cannot read', () => {
    expect(parseDueTime(undefined)).toBeUndefined();
    expect(parseDueTime('')).toBeUndefined();
    expect(parseDueTime('garbage\u001b[31m')).toBeUndefined();
  });

  it('reads epoch milliseconds past the latest Date as that date, so it can still be shown', () => {
    for (const raw of ['99999999999999999999', '9'.repeat(400)]) {
      const due = parseDueTime(raw)!;
      expect(new Date(due).toISOString()).toBe('+275760-09-13T00:00:00.000Z');
    }
  });
});
