import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ScrapedCounter } from './scraped-counter';
import { ScrapedGauge } from './scraped-gauge';
import { type Series } from './series-table';

/**
 * A Prometheus counter of one handler that also knows its own count: the one place an outcome is
 * counted, read by the scrape (the shared labelled counter) and by the worker heartbeat (`count`,
 * this handler in this process since it started).
 */
export interface OutcomeCounter {
  inc(): void;
  readonly count: number;
}

/** The gauge of jobs running now, readable the same way. */
export interface InFlightGauge {
  inc(): void;
  dec(): void;
  readonly count: number;
}

/** The counters one handler's runner updates per job, bound to its labels once at startup. */
export interface HandlerMetrics {
  acked: OutcomeCounter;
  retried: OutcomeCounter;
  deadLettered: OutcomeCounter;
  /** Acked without running: `idempotency` found the job already completed. */
  skipped: OutcomeCounter;
  /** Term'ed because it was cancelled (`cancel(jobId)`), before or while it ran. */
  cancelled: OutcomeCounter;
  inFlight: InFlightGauge;
  /** Bound to its label once; prom-client has no way to hand it bucket counts at scrape time. */
  duration: Histogram.Internal<'handler'>;
  /** With `priorities` or `fairness`: one job pulled from a lane (`high`, `normal`, `low`, `ungrouped`, `group`). */
  lanePulled?: (lane: string) => void;
  /** `rateLimit`: a job waited for its slot (held in process, or nak'ed until it) this long. */
  rateLimited: { waited(seconds: number): void };
}

type JobLabel = 'handler' | 'subject' | 'outcome';

function outcomeCounter(jobs: ScrapedCounter<JobLabel>, series: Series<JobLabel>): OutcomeCounter {
  let count = 0;
  return {
    inc() {
      count++;
      jobs.add(series);
    },
    get count() {
      return count;
    },
  };
}

function inFlightGauge(gauge: ScrapedGauge<'handler'>, series: Series<'handler'>): InFlightGauge {
  let count = 0;
  return {
    inc() {
      count++;
      gauge.add(series, 1);
    },
    dec() {
      count--;
      gauge.add(series, -1);
    },
    get count() {
      return count;
    },
  };
}

/** Delayed jobs: scheduled by the client, released by workers (with how late), cancelled. */
export interface SchedulingMetrics {
  scheduled(subject: string): void;
  /** A release stored in its stream (not a duplicate), `latenessSeconds` after it was due. */
  released(subject: string, latenessSeconds: number): void;
  cancelled(subject: string): void;
}

/** What an instance did with a tick of a periodic schedule (`jetbus_periodic_ticks_total`). */
export type PeriodicTickOutcome =
  'published' | 'deduplicated' | 'skipped_paused' | 'skipped_overlap' | 'skipped_missed';

/** Periodic jobs: each instance counts what it did with each tick, by schedule. */
export interface PeriodicMetrics {
  ticks(schedule: string, outcome: PeriodicTickOutcome, count: number): void;
}

/** What became of a message published through JetbusClient (`jetbus_published_total`). */
export type PublishOutcome = 'stored' | 'duplicate' | 'failed' | 'unique_refused';

export type ConsumerStatsSource = () => Promise<
  { stream: string; consumer: string; pending: number; ackPending: number }[]
>;

/**
 * jetbus's Prometheus metrics, in their own registry by default so two applications in one
 * process never collide on metric names; merge it with yours (`Registry.merge`) or pass your
 * registry in `metricsRegistry`.
 */
export class JetbusMetrics {
  // Updated per job or per publish: counted in plain numbers, handed to prom-client when scraped.
  private readonly jobs: ScrapedCounter<JobLabel>;
  private readonly inFlight: ScrapedGauge<'handler'>;
  private readonly published: ScrapedCounter<'outcome'>;
  private readonly publishedSeries: Record<PublishOutcome, Series<'outcome'>>;
  private readonly lanes: ScrapedCounter<'handler' | 'lane'>;
  private readonly rateLimitedWaits: ScrapedCounter<'handler'>;
  private readonly duration: Histogram<'handler'>;
  private readonly rateLimitedWait: Histogram<'handler'>;
  private readonly minimal: Counter<'stream'>;
  private readonly sources: ConsumerStatsSource[] = [];
  /** Delayed jobs' counters and lateness, by subject. */
  readonly scheduling: SchedulingMetrics;
  /** Periodic jobs' ticks, by schedule and outcome. */
  readonly periodic: PeriodicMetrics;

  constructor(readonly registry: Registry = new Registry()) {
    this.jobs = new ScrapedCounter({
      name: 'jetbus_jobs_total',
      help: 'Jobs settled, by handler, subject and outcome (acked, retried, dead_lettered, skipped_completed, cancelled)',
      labelNames: ['handler', 'subject', 'outcome'],
      registers: [registry],
    });
    this.inFlight = new ScrapedGauge({
      name: 'jetbus_jobs_in_flight',
      help: 'Handlers running now, by handler',
      labelNames: ['handler'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'jetbus_job_duration_seconds',
      help: 'Handler run time (decode, validation and handler), by handler',
      labelNames: ['handler'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      registers: [registry],
    });
    this.lanes = new ScrapedCounter({
      name: 'jetbus_lane_jobs_pulled_total',
      help: 'Jobs pulled by handlers with priorities or fairness, by handler and lane (high, normal, low; ungrouped or group: all groups together, to bound the label values)',
      labelNames: ['handler', 'lane'],
      registers: [registry],
    });
    this.rateLimitedWaits = new ScrapedCounter({
      name: 'jetbus_rate_limited_waits_total',
      help: 'Jobs that waited for a rateLimit slot (held in process or nak-ed until it), by handler',
      labelNames: ['handler'],
      registers: [registry],
    });
    this.rateLimitedWait = new Histogram({
      name: 'jetbus_rate_limited_wait_seconds',
      help: 'How long a rate-limited job waited for its slot (one wait per hold or nak), by handler',
      labelNames: ['handler'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
      registers: [registry],
    });
    this.published = new ScrapedCounter({
      name: 'jetbus_published_total',
      help: 'Messages published through JetbusClient, by outcome (stored, duplicate, failed, unique_refused)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.publishedSeries = {
      stored: this.published.series({ outcome: 'stored' }),
      duplicate: this.published.series({ outcome: 'duplicate' }),
      failed: this.published.series({ outcome: 'failed' }),
      unique_refused: this.published.series({ outcome: 'unique_refused' }),
    };
    this.minimal = new Counter({
      name: 'jetbus_dead_letters_minimal_total',
      help: 'Max-delivered jobs the reaper could not copy into the DLQ and recorded without payload, by source stream',
      labelNames: ['stream'],
      registers: [registry],
    });
    const scheduledJobs = new Counter({
      name: 'jetbus_scheduled_jobs_total',
      help: 'Delayed jobs, by subject and outcome (scheduled by this client, released or cancelled by this process)',
      labelNames: ['subject', 'outcome'],
      registers: [registry],
    });
    const lateness = new Histogram({
      name: 'jetbus_scheduled_release_lateness_seconds',
      help: 'How long after its due time a delayed job was released into its stream, by subject',
      labelNames: ['subject'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
    this.scheduling = {
      scheduled: (subject) => scheduledJobs.inc({ subject, outcome: 'scheduled' }),
      released: (subject, latenessSeconds) => {
        scheduledJobs.inc({ subject, outcome: 'released' });
        lateness.observe({ subject }, latenessSeconds);
      },
      cancelled: (subject) => scheduledJobs.inc({ subject, outcome: 'cancelled' }),
    };
    const periodicTicks = new Counter({
      name: 'jetbus_periodic_ticks_total',
      help: 'Ticks of periodic schedules this process fired, by schedule and outcome (published, deduplicated: another instance published it, skipped_paused, skipped_overlap, skipped_missed)',
      labelNames: ['schedule', 'outcome'],
      registers: [registry],
    });
    this.periodic = {
      ticks: (schedule, outcome, count) => {
        if (count > 0) periodicTicks.inc({ schedule, outcome }, count);
      },
    };
    const sources = this.sources;
    const stats = async () => (await Promise.all(sources.map((s) => s().catch(() => [])))).flat();
    let last: Awaited<ReturnType<typeof stats>> | undefined;
    // Both gauges are read on one scrape; the first collect fetches, the second reuses it.
    new Gauge({
      name: 'jetbus_consumer_pending',
      help: 'Messages not yet delivered to the consumer, by stream and consumer',
      labelNames: ['stream', 'consumer'],
      registers: [registry],
      async collect() {
        last = await stats();
        this.reset();
        for (const s of last) this.set({ stream: s.stream, consumer: s.consumer }, s.pending);
      },
    });
    new Gauge({
      name: 'jetbus_consumer_ack_pending',
      help: 'Messages delivered but not yet acked, by stream and consumer',
      labelNames: ['stream', 'consumer'],
      registers: [registry],
      async collect() {
        const rows = last ?? (await stats());
        last = undefined;
        this.reset();
        for (const s of rows) this.set({ stream: s.stream, consumer: s.consumer }, s.ackPending);
      },
    });
  }

  /**
   * One handler's counters. Its Prometheus series are shared by every call with the same labels;
   * the `count`s are this call's own, from 0, so they cover one runner since it started.
   */
  forHandler(handler: string, subject: string): HandlerMetrics {
    const outcome = (name: string) =>
      outcomeCounter(this.jobs, this.jobs.series({ handler, subject, outcome: name }));
    // Few lanes per handler (high, normal, low, ungrouped, group): each series is bound on first use.
    const lanes = new Map<string, Series<'handler' | 'lane'>>();
    const waits = this.rateLimitedWaits.series({ handler });
    const waited = this.rateLimitedWait.labels(handler);
    return {
      acked: outcome('acked'),
      retried: outcome('retried'),
      deadLettered: outcome('dead_lettered'),
      skipped: outcome('skipped_completed'),
      cancelled: outcome('cancelled'),
      inFlight: inFlightGauge(this.inFlight, this.inFlight.series({ handler })),
      duration: this.duration.labels(handler),
      lanePulled: (pulled) => {
        const lane = pulled.startsWith('group:') ? 'group' : pulled;
        let series = lanes.get(lane);
        if (!series) lanes.set(lane, (series = this.lanes.series({ handler, lane })));
        this.lanes.add(series);
      },
      rateLimited: {
        waited: (seconds) => {
          this.rateLimitedWaits.add(waits);
          waited.observe(seconds);
        },
      },
    };
  }

  publishOutcome(outcome: PublishOutcome): void {
    this.published.add(this.publishedSeries[outcome]);
  }

  /** A minimal dead letter was written: the job's payload stayed in its source stream. Alert on it. */
  minimalDeadLetter(stream: string): void {
    this.minimal.inc({ stream });
  }

  /** Adds a source of per-consumer pending counts, read at scrape time. */
  addConsumerStats(source: ConsumerStatsSource): void {
    this.sources.push(source);
  }
}
