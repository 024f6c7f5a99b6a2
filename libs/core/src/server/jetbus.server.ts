import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { type Logger } from 'pino';
import { JETBUS_LOGGER, JETBUS_MODULE_OPTIONS } from '../constants';
import {
  DeadLetterSink,
  LogDeadLetterSink,
  maxDeliveriesAdvisorySubject,
  type MaxDeliveriesAdvisory,
  DeadLetterMarks,
  MaxDeliveriesReaper,
  REAPER_MAX_ATTEMPTS,
  StreamDeadLetterSink,
} from '../dead-letter';
import { JetbusConfigError } from '../errors';
import { HandlerInvokerFactory } from '../handlers/handler-invoker.factory';
import { JobHandlerExplorer } from '../handlers/job-handler.explorer';
import { resolveJobHandlerOptions } from '../handlers/resolve-job-handler-options';
import { JetbusConnection } from '../connection/jetbus.connection';
import { JetbusMetrics } from '../observability/jetbus-metrics';
import { type ResolvedModuleOptions, reaperDurable } from '../module/resolve-module-options';
import { ensureConsumer, resolveStream, toConsumerConfig } from '../provisioning';
import { repairWorkQueues } from '../repair';
import { createBackoff } from '../retry';
import { AttemptLedger } from '../retry/attempt-ledger';
import { PayloadValidator, isDtoClass } from '../validation';
import { defaultJobId } from '../codec/job-id';
import { CompletedJobs, completedJobsBucket } from './completed-jobs';
import { ConsumerRunner } from './consumer-runner';
import { IsolationGate } from './isolation-gate';
import { type PreparedHandler } from './prepared-handler';

/**
 * The Nest transport strategy: every `@JobHandler` gets its own durable pull consumer and runner.
 * Use it as `app.connectMicroservice({ strategy: app.get(JetbusServer) })`, or call `start()` in
 * a worker built with `NestFactory.createApplicationContext`.
 */
@Injectable()
export class JetbusServer extends Server implements CustomTransportStrategy, BeforeApplicationShutdown {
  private runners: ConsumerRunner[] = [];
  private starting?: Promise<void>;
  private closing?: Promise<void>;

  constructor(
    @Inject(JETBUS_MODULE_OPTIONS) private readonly options: ResolvedModuleOptions,
    private readonly connection: JetbusConnection,
    private readonly explorer: JobHandlerExplorer,
    private readonly invokers: HandlerInvokerFactory,
    private readonly deadLetters: DeadLetterSink,
    @Inject(JETBUS_LOGGER) private readonly log: Logger,
    private readonly metrics: JetbusMetrics,
  ) {
    super();
  }

  listen(callback: (err?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (err: unknown) => callback(err),
    );
  }

  /** Provisions every handler's consumer and starts consuming. Idempotent. */
  start(): Promise<void> {
    this.starting ??= this.startRunners();
    return this.starting;
  }

  private async startRunners(): Promise<void> {
    const prepared = await this.prepareHandlers();
    if (this.options.repairStranded) {
      const dl = this.options.deadLetter;
      await repairWorkQueues(
        this.connection.jsm,
        prepared.map((h) => h.stream),
        this.log,
        { advisoryStream: dl && dl.reaper ? dl.reaper.stream.name : undefined },
      );
    }
    const base = {
      js: this.connection.js,
      codec: this.options.codec,
      deadLetters: this.deadLetters,
      logger: this.log,
    };
    // One gate for every handler of the process: a crash takes all of their jobs down at once.
    const isolation = { gate: new IsolationGate(), ledger: new AttemptLedger(this.connection.js, this.log) };
    const logOnly = { ...base, deadLetters: new LogDeadLetterSink(this.log) };
    this.runners = prepared.map(
      (h) => new ConsumerRunner(h, { ...(h.options.deadLetter === false ? logOnly : base), ...isolation }),
    );
    const reapers = await this.prepareReapers(prepared);
    this.runners.push(...reapers.map((r) => new ConsumerRunner(r, logOnly)));
    await Promise.all(this.runners.map((r) => r.start()));
    const consumers = [...prepared, ...reapers].map((h) => ({
      stream: h.stream,
      durable: h.options.durable,
    }));
    this.metrics.addConsumerStats(() =>
      Promise.all(
        consumers.map(async ({ stream, durable }) => {
          const c = await this.connection.jsm.consumers.info(stream, durable);
          return { stream, consumer: durable, pending: c.num_pending, ackPending: c.num_ack_pending };
        }),
      ),
    );
    this.log.info(
      {
        handlers: prepared.map((h) => ({ handler: h.name, subject: h.subject, durable: h.options.durable })),
      },
      prepared.length ? 'jetbus workers started' : 'jetbus found no @JobHandler methods',
    );
  }

  /** Validates all handler options before touching the server, so one bad option fails fast. */
  private async prepareHandlers(): Promise<PreparedHandler[]> {
    const found = this.explorer.explore();
    const resolved = found.map((h) => ({
      h,
      o: resolveJobHandlerOptions(
        h.subject,
        this.options.name,
        h.options,
        this.options.handlerDefaults,
        `@JobHandler(${JSON.stringify(h.subject)}) on ${h.name}`,
      ),
    }));
    const prepared: PreparedHandler[] = [];
    const durables = new Map<string, string>();
    for (const { h, o } of resolved) {
      const where = `@JobHandler(${JSON.stringify(h.subject)}) on ${h.name}`;
      const stream = await resolveStream(this.connection.jsm, h.subject, o.stream);
      const key = `${stream}/${o.durable}`;
      const other = durables.get(key);
      if (other) {
        throw new JetbusConfigError(
          `${where}.durable`,
          `consumer ${key} is already used by ${other}; give one of them another durable name`,
        );
      }
      durables.set(key, h.name);
      await ensureConsumer(
        this.connection.jsm,
        { stream, durable: o.durable, config: toConsumerConfig(h.subject, o) },
        where,
        this.log,
      );
      const dto = o.dto ?? this.invokers.payloadType(h);
      prepared.push({
        name: h.name,
        subject: h.subject,
        stream,
        options: o,
        invoke: this.invokers.create(h),
        validator: o.validate && isDtoClass(dto) ? new PayloadValidator(dto) : undefined,
        backoff: createBackoff(o.backoff, `${where}.backoff`),
        metrics: this.metrics.forHandler(h.name, h.subject),
        ...(o.idempotency
          ? {
              completed: new CompletedJobs(
                this.connection.js,
                completedJobsBucket(o.durable),
                o.idempotency.ttlMs,
                this.log,
              ),
            }
          : {}),
      });
    }
    return prepared;
  }

  /**
   * The reaper runs as handlers too: the advisory stream is their queue and the runner gives them
   * retries with backoff (a DLQ that is briefly unavailable just delays them). There is one durable
   * per source stream this process consumes, filtered to that stream's advisories, so a service
   * reaps only streams it works on (and has permissions for), and each advisory is handled once.
   */
  private async prepareReapers(handlers: PreparedHandler[]): Promise<PreparedHandler[]> {
    const streams = handlers.map((h) => h.stream);
    const targets = new Map(
      handlers.map((h) => [`${h.stream}/${h.options.durable}`, h.options.deadLetter || undefined]),
    );
    const byConsumer = new Map(handlers.map((h) => [`${h.stream}/${h.options.durable}`, h]));
    const dl = this.options.deadLetter;
    if (!dl || !dl.reaper || !(this.deadLetters instanceof StreamDeadLetterSink)) return [];
    const reaper = new MaxDeliveriesReaper(this.connection.jsm, this.deadLetters, {
      ignoreStreams: [dl.stream.name, dl.reaper.stream.name],
      logger: this.log,
      targetFor: (stream, consumer) => targets.get(`${stream}/${consumer}`),
      onMinimal: (stream) => this.metrics.minimalDeadLetter(stream),
      completed: async (stream, consumer, stored) => {
        const h = byConsumer.get(`${stream}/${consumer}`);
        const key = h?.options.idempotency?.key;
        if (!h?.completed || typeof key === 'function') return false;
        const custom = key && stored.headers?.has(key) ? stored.headers.get(key) : '';
        return h.completed.has(custom || defaultJobId(stored.headers, stream, stored.seq));
      },
      marks: new DeadLetterMarks(this.connection.js, this.log),
    });
    const advisories = dl.reaper.stream.name;
    const prepared: PreparedHandler[] = [];
    for (const source of new Set(streams)) {
      if (source === dl.stream.name || source === advisories) continue;
      const subject = maxDeliveriesAdvisorySubject(source);
      const where = `deadLetter.reaper(${source})`;
      const o = resolveJobHandlerOptions(
        subject,
        this.options.name,
        {
          durable: reaperDurable(source),
          stream: dl.reaper.stream.name,
          concurrency: 2,
          maxAttempts: REAPER_MAX_ATTEMPTS,
          crashLimit: 0,
          backoff: { type: 'exponential', delay: '1s', maxDelay: '1m' },
          validate: false,
        },
        {},
        where,
      );
      await ensureConsumer(
        this.connection.jsm,
        { stream: dl.reaper.stream.name, durable: o.durable, config: toConsumerConfig(subject, o) },
        where,
        this.log,
      );
      prepared.push({
        name: `jetbus.reaper(${source})`,
        subject,
        stream: dl.reaper.stream.name,
        options: o,
        invoke: (payload, ctx) => reaper.reap(payload as MaxDeliveriesAdvisory, ctx.attempt),
        validator: undefined,
        backoff: createBackoff(o.backoff, `${where}.backoff`),
        metrics: this.metrics.forHandler('jetbus.reaper', subject),
      });
    }
    return prepared;
  }

  /** Drains every runner within the shutdown grace period. Idempotent; safe before start(). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => undefined);
      await Promise.allSettled(this.runners.map((r) => r.stop(this.options.shutdownGracePeriodMs)));
      this.log.info('jetbus workers stopped');
    })();
    return this.closing;
  }

  /** Before the connection closes (in `onApplicationShutdown`), so nak/ack still reach the server. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.close();
  }

  on(): void {
    // jetbus reports through its logger and metrics rather than server events.
  }

  unwrap<T>(): T {
    return this.connection.nc as T;
  }
}
