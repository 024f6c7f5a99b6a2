import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Logger } from 'pino';
import { ADMIN_LOGGER } from '../admin-logger';
import { ADMIN_OPTIONS, type ResolvedAdminOptions } from '../options/resolve-admin-options';
import { OverviewService } from '../overview/overview.service';
import { AdminMetrics } from './admin-metrics';
import { type CounterSnapshot, counterDeltas, counterSnapshot } from './counter-deltas';
import { RingBuffer } from './ring-buffer';
import { type TimelinePoint, zeroCounts } from './timeline-point';

/** 24 hours at the default 5 s: the most points kept, whatever the interval. */
export const TIMELINE_CAPACITY = 17_280;
export const TIMELINE_SPAN_MS = 24 * 60 * 60 * 1000;

/**
 * Samples the workers' heartbeats and the streams' state every `sampleIntervalMs` into a bounded
 * ring buffer, so the app can draw throughput over time without a time-series database. History
 * lives in this process: a restart starts an empty timeline.
 */
@Injectable()
export class MetricsSampler implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly points: RingBuffer<TimelinePoint>;
  private timer?: NodeJS.Timeout;
  private sampling?: Promise<void>;
  private previous?: { at: number; counters: CounterSnapshot };

  constructor(
    private readonly overview: OverviewService,
    private readonly metrics: AdminMetrics,
    @Inject(ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions,
    @Inject(ADMIN_LOGGER) private readonly logger: Logger,
  ) {
    this.points = new RingBuffer(
      Math.min(TIMELINE_CAPACITY, Math.ceil(TIMELINE_SPAN_MS / options.sampleIntervalMs)),
    );
  }

  get intervalMs(): number {
    return this.options.sampleIntervalMs;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs).unref();
    this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sampling;
  }

  /** One sample at a time: a tick that finds the last one still running (NATS slow) skips its turn. */
  private tick(): void {
    if (this.sampling) return;
    this.sampling = this.sample().finally(() => (this.sampling = undefined));
  }

  /** Takes one sample now, after the one in progress (tests and on-demand refreshes). */
  async sampleNow(): Promise<void> {
    while (this.sampling) await this.sampling;
    this.sampling = this.sample().finally(() => (this.sampling = undefined));
    await this.sampling;
  }

  private async sample(): Promise<void> {
    const stop = this.metrics.sampleDuration.startTimer();
    try {
      const { overview, workers } = await this.overview.state();
      const at = Date.now();
      const counters = counterSnapshot(workers);
      const counts = this.previous
        ? counterDeltas(this.previous.counters, this.previous.at, counters)
        : zeroCounts();
      this.previous = { at, counters };
      this.points.push({
        at,
        ...counts,
        pending: overview.pending,
        deadLetters: overview.deadLetters,
        scheduled: overview.scheduled,
      });
      this.metrics.samples.inc({ outcome: 'ok' });
    } catch (e) {
      // NATS away: no point for this interval; the next sample's deltas cover the gap.
      this.metrics.samples.inc({ outcome: 'failed' });
      this.logger.debug({ err: e }, 'metrics sample failed');
    } finally {
      stop();
    }
  }
}
