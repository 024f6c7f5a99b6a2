/** One point of the metrics timeline: counts over the interval ending at `at`, gauges at `at`. */
export interface TimelinePoint {
  /** End of the interval, epoch milliseconds. */
  at: number;
  /** Deliveries settled in the interval, summed over workers and handlers. */
  processed: number;
  failed: number;
  retried: number;
  deadLettered: number;
  /** Messages not yet delivered, summed over consumers, at `at`. */
  pending: number;
  /** Messages in the dead-letter stream at `at`. */
  deadLetters: number;
  /** Delayed jobs waiting in the scheduling stream at `at`. */
  scheduled: number;
}

/** The counters a heartbeat reports per handler, as the timeline sums them. */
export const COUNTER_FIELDS = ['processed', 'failed', 'retried', 'deadLettered'] as const;
export type CounterField = (typeof COUNTER_FIELDS)[number];
export type Counts = Record<CounterField, number>;

export const zeroCounts = (): Counts => ({ processed: 0, failed: 0, retried: 0, deadLettered: 0 });
