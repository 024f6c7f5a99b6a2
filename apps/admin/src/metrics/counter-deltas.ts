import { type WorkerHeartbeat } from '@jetbus/core';
import { COUNTER_FIELDS, type Counts, zeroCounts } from './timeline-point';

/** One handler in one process: its cumulative counters and when that process started. */
export interface CounterReading extends Counts {
  startedAt: number;
}

/** Every (process, handler) reading of one sample, keyed by process id and handler. */
export type CounterSnapshot = Map<string, CounterReading>;

/** The readings of `workers`' heartbeats. */
export function counterSnapshot(workers: readonly WorkerHeartbeat[]): CounterSnapshot {
  const snapshot: CounterSnapshot = new Map();
  for (const w of workers) {
    const startedAt = Date.parse(w.startedAt);
    for (const h of w.handlers) {
      snapshot.set(`${w.id}\n${h.handler}\n${h.subject}`, {
        startedAt,
        processed: h.processed,
        failed: h.failed,
        retried: h.retried,
        deadLettered: h.deadLettered,
      });
    }
  }
  return snapshot;
}

/**
 * What happened between two samples, from cumulative counters the way Prometheus' `increase()`
 * reads them: per (process, handler), the growth of each counter. A process that restarted under
 * the same key (its start time moved, or any counter went down) was reset, so all of its new values
 * are new work. A process first seen in `current` counts in full if it started after `previousAt`
 * (all its work is new) and not at all otherwise (it was running unseen: its totals are history,
 * not this interval's work). A process gone from `current` adds nothing: its last interval is lost
 * with it, never negative.
 */
export function counterDeltas(
  previous: CounterSnapshot,
  previousAt: number,
  current: CounterSnapshot,
): Counts {
  const sum = zeroCounts();
  for (const [key, now] of current) {
    const before = previous.get(key);
    const reset =
      before !== undefined &&
      (before.startedAt !== now.startedAt || COUNTER_FIELDS.some((f) => now[f] < before[f]));
    // What of `now` is not this interval's work.
    let base: Counts | undefined;
    if (before) base = reset ? undefined : before;
    else base = now.startedAt >= previousAt ? undefined : now;
    for (const field of COUNTER_FIELDS) sum[field] += now[field] - (base?.[field] ?? 0);
  }
  return sum;
}
