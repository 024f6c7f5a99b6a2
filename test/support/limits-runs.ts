import { existsSync, readFileSync } from 'node:fs';

/** One line the limits worker (test/fixtures/limits-worker.ts) wrote for a handled job. */
export interface Run {
  id: string;
  tenant: string;
  pid: number;
  attempt: number;
  deliveryCount: number;
  start: number;
  end: number;
}

/** Every run the limits worker wrote to `file` so far (none before its first line). */
export const readRuns = (file: string): Run[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [id, tenant, pid, attempt, deliveryCount, start, end] = line.split(' ');
          return {
            id,
            tenant,
            pid: Number(pid),
            attempt: Number(attempt),
            deliveryCount: Number(deliveryCount),
            start: Number(start),
            end: Number(end),
          };
        })
    : [];

/** Most handlers running at once, from their [start, end] times (an end and a start in the same ms do not overlap). */
export function mostAtOnce(runs: Run[]): number {
  const events = runs.flatMap((r) => [
    { t: r.start, d: 1 },
    { t: r.end, d: -1 },
  ]);
  events.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let most = 0;
  for (const e of events) most = Math.max(most, (now += e.d));
  return most;
}

/** Most starts in any window [t, t + perMs), sliding over every start. */
export function mostStartsInWindow(starts: number[], perMs: number): number {
  const s = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < s.length; j++) {
    while (s[j] - s[i] >= perMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}
