import { downsample } from './downsample';
import { type TimelinePoint } from './timeline-point';

const S = 5_000;
const NOW = Date.parse('2026-11-30T08:00:00.000Z');

/** `n` samples every `S` ms up to NOW, each processing 1 job; pending counts up 1..n. */
const samples = (n: number): TimelinePoint[] =>
  Array.from({ length: n }, (_, i) => ({
    at: NOW - (n - 1 - i) * S,
    processed: 1,
    failed: 0,
    retried: 0,
    deadLettered: i % 2,
    pending: i + 1,
    deadLetters: 100 + i,
    scheduled: 50 - (i % 50),
  }));

describe('downsample', () => {
  it('keeps every sample when the window fits in maxPoints', () => {
    const points = samples(180); // 15 minutes at 5 s
    const { intervalMs, points: out } = downsample(points, 15 * 60_000, NOW, S);
    expect(intervalMs).toBe(S);
    expect(out).toEqual(points);
  });

  it('leaves out samples older than the window', () => {
    const { points } = downsample(samples(200), 15 * 60_000, NOW, S);
    expect(points).toHaveLength(180);
    expect(points[0].at).toBe(NOW - 179 * S);
  });

  it('merges 24 hours of 5 s samples into 360 aligned buckets of 4 minutes: counts add, gauges keep the last', () => {
    const all = samples(17_280);
    const { intervalMs, points } = downsample(all, 24 * 3_600_000, NOW, S);
    expect(intervalMs).toBe(48 * S);
    expect(points).toHaveLength(360);
    expect(points.every((p) => p.at % intervalMs === 0)).toBe(true);
    expect(points.reduce((sum, p) => sum + p.processed, 0)).toBe(17_280);
    expect(points.reduce((sum, p) => sum + p.deadLettered, 0)).toBe(8_640);
    expect(points.at(-1)).toEqual({
      at: NOW,
      processed: 48,
      failed: 0,
      retried: 0,
      deadLettered: 24,
      pending: 17_280,
      deadLetters: 100 + 17_279,
      scheduled: 50 - (17_279 % 50),
    });
  });

  it('at most one bucket more than maxPoints when the window starts inside a bucket', () => {
    const { points } = downsample(samples(17_280), 6 * 3_600_000 + 7 * S, NOW, S, 10);
    expect(points.length).toBeLessThanOrEqual(11);
    expect(points.reduce((sum, p) => sum + p.processed, 0)).toBe(6 * 720 + 7);
  });

  it('leaves out buckets without samples instead of inventing zero work', () => {
    const gappy = samples(10).filter((_, i) => i < 3 || i > 6);
    const { points } = downsample(gappy, 60_000, NOW, S);
    expect(points.map((p) => (NOW - p.at) / S)).toEqual([9, 8, 7, 2, 1, 0]);
  });
});
