import { type Logger } from 'pino';
import { type Codec } from '../codec';
import { type JetbusConnection } from '../connection/jetbus.connection';
import { startupRequest } from '../connection/startup-request';
import { JetbusConfigError } from '../errors';
import { type DiscoveredJobHandler } from '../handlers/job-handler.explorer';
import { type PeriodicMetrics } from '../observability/jetbus-metrics';
import { type ResolvedStreamOptions } from '../options/resolve-module-options';
import { ensureStreams } from '../provisioning';
import {
  PERIODIC_BUCKET,
  PERIODIC_STREAM,
  PERIODIC_SUBJECT_PREFIX,
} from '../scheduling/periodic/periodic-names';
import { PERIODIC_METADATA, type PeriodicMetadata } from '../scheduling/periodic/periodic.decorator';
import { type ResolvedPeriodic } from '../scheduling/periodic/periodic.options';
import { PeriodicRunner, type TickConsumer } from '../scheduling/periodic/periodic-runner';
import { PeriodicStore } from '../scheduling/periodic/periodic-store';
import { checkUniqueNames, resolvePeriodicDecorator } from '../scheduling/periodic/resolve-periodic';

/**
 * Duplicate window of `JETBUS_PERIODIC`: instances whose clocks differ by less than this publish a
 * tick once through the stream alone; beyond it the last-tick record in KV still does.
 */
export const PERIODIC_DUPLICATE_WINDOW_MS = 120_000;

/** The tick stream: a work queue (a tick is gone once handled), on file. */
export const periodicStream: ResolvedStreamOptions = {
  name: PERIODIC_STREAM,
  subjects: [`${PERIODIC_SUBJECT_PREFIX}.>`],
  retention: 'workqueue',
  storage: 'file',
  replicas: 1,
  maxAgeMs: 0,
  maxMsgs: -1,
  maxBytes: -1,
  maxMsgsPerSubject: -1,
  maxMsgSize: -1,
  discard: 'new',
  duplicateWindowMs: PERIODIC_DUPLICATE_WINDOW_MS,
};

export interface PeriodicSchedulerDeps {
  connection: JetbusConnection;
  codec: Codec;
  metrics: PeriodicMetrics;
  publishTimeoutMs: number;
  logger: Logger;
  /** The module's `name`, recorded with each definition. */
  service: string;
}

/** The consumer a prepared handler runs on, as `JetbusServer` knows it. */
export interface PreparedTickHandler {
  name: string;
  subject: string;
  stream: string;
  options: { durable: string };
}

/** The `@Periodic` schedules found on handlers (one per decorator), checked. */
export function discoverPeriodic(handlers: DiscoveredJobHandler[]): ResolvedPeriodic[] {
  const seen = new Set<unknown>();
  const found: ResolvedPeriodic[] = [];
  for (const h of handlers) {
    const method = (h.instance as Record<string, unknown>)[h.methodName];
    // A method with @Periodic and @JobHandler appears once per handler subject.
    if (seen.has(method)) continue;
    seen.add(method);
    const metas: PeriodicMetadata[] = Reflect.getMetadata(PERIODIC_METADATA, method as object) ?? [];
    for (const m of metas) found.push(resolvePeriodicDecorator(m.cron, m.options, h.name, m.defaultName));
  }
  return found;
}

/**
 * Every schedule of one worker process: the `@Periodic` methods and the module's `periodic`.
 * `prepare` checks them and declares the tick stream and the KV bucket (before handlers provision
 * their consumers); `start` records their definitions and fires their ticks.
 */
export class PeriodicScheduler {
  private runners: PeriodicRunner[] = [];

  private constructor(
    readonly schedules: ResolvedPeriodic[],
    private readonly store: PeriodicStore,
    private readonly deps: PeriodicSchedulerDeps,
  ) {}

  /** Undefined when the process has no schedule (nothing is declared then). */
  static async prepare(
    handlers: DiscoveredJobHandler[],
    declared: ResolvedPeriodic[],
    deps: PeriodicSchedulerDeps,
  ): Promise<PeriodicScheduler | undefined> {
    const schedules = [...discoverPeriodic(handlers), ...declared];
    checkUniqueNames(schedules);
    if (schedules.length === 0) return undefined;
    if (schedules.some((s) => s.subject.startsWith(`${PERIODIC_SUBJECT_PREFIX}.`))) {
      await ensureStreams(deps.connection.jsm, [periodicStream], deps.logger, 'periodic');
    }
    const store = await startupRequest(
      `open KV bucket ${PERIODIC_BUCKET}`,
      () => PeriodicStore.create(deps.connection.js),
      deps.logger,
    );
    return new PeriodicScheduler(schedules, store, deps);
  }

  async start(prepared: PreparedTickHandler[]): Promise<void> {
    const { connection, codec, metrics, publishTimeoutMs, logger, service } = this.deps;
    const clustered = connection.clustered;
    const runnerDeps = {
      js: connection.js,
      jsm: connection.jsm,
      store: this.store,
      codec,
      metrics,
      publishTimeoutMs,
      logger,
      clustered,
    };
    this.runners = this.schedules.map(
      (s) => new PeriodicRunner(s, runnerDeps, s.overlap ? undefined : tickConsumer(s, prepared)),
    );
    for (const s of this.schedules) {
      // A put of the same record again is harmless: it is retried while the bucket's stream elects.
      await startupRequest(
        `record periodic schedule ${s.name} in ${PERIODIC_BUCKET}`,
        () => this.store.putDefinition(s, service),
        logger,
        { clustered },
      );
    }
    await Promise.all(this.runners.map((r) => r.start()));
    logger.info(
      {
        schedules: this.schedules.map((s) => ({
          name: s.name,
          cron: s.cron,
          timezone: s.timezone,
          subject: s.subject,
        })),
      },
      'jetbus periodic schedules started',
    );
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.runners.map((r) => r.stop()));
  }
}

/** `overlap: false` reads the backlog of the tick handler's consumer, which must run in this process. */
function tickConsumer(s: ResolvedPeriodic, prepared: PreparedTickHandler[]): TickConsumer {
  const h = prepared.find(
    (p) => p.subject === s.subject && (s.handler === undefined || p.name === s.handler),
  );
  if (!h) {
    throw new JetbusConfigError(
      `${s.where}.overlap`,
      `false needs a @JobHandler for "${s.subject}" in this process: its consumer's backlog tells whether the previous tick is still pending or running`,
    );
  }
  return { stream: h.stream, durable: h.options.durable };
}
