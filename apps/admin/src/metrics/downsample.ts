import { COUNTER_FIELDS, type TimelinePoint } from './timeline-point';

/** Most points a timeline answer holds: enough for a chart as wide as a screen. */
export const TIMELINE_MAX_POINTS = 360;

export interface Timeline {
  /** The interval each returned point covers. */
  intervalMs: number;
  points: TimelinePoint[];
}

/**
 * The points of the last `windowMs` before `now`, merged into buckets of whole sample intervals so
 * that at most `maxPoints` remain (one more when the window starts inside a bucket). Buckets are aligned to multiples of their length (epoch time), so
 * the same point lands in the same bucket on every call and a chart does not jitter as time moves.
 * Counts add up; gauges (`pending`, `deadLetters`, `scheduled`) take the bucket's last value; a bucket's `at` is
 * its end. Buckets without samples are left out rather than shown as zero work.
 */
export function downsample(
  points: readonly TimelinePoint[],
  windowMs: number,
  now: number,
  sampleIntervalMs: number,
  maxPoints = TIMELINE_MAX_POINTS,
): Timeline {
  const perBucket = Math.max(1, Math.ceil(windowMs / sampleIntervalMs / maxPoints));
  const intervalMs = perBucket * sampleIntervalMs;
  const from = now - windowMs;
  const buckets = new Map<number, TimelinePoint>();
  for (const p of points) {
    if (p.at <= from || p.at > now) continue;
    const end = Math.ceil(p.at / intervalMs) * intervalMs;
    const bucket = buckets.get(end);
    if (!bucket) {
      buckets.set(end, { ...p, at: end });
      continue;
    }
    for (const field of COUNTER_FIELDS) bucket[field] += p[field];
    bucket.pending = p.pending;
    bucket.deadLetters = p.deadLetters;
    bucket.scheduled = p.scheduled;
  }
  return { intervalMs, points: [...buckets.values()] };
}
