import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { type Logger } from 'pino';
import { JETBUS_LOGGER, JETBUS_MODULE_OPTIONS } from '../constants';
import { JetbusConnection } from '../connection/jetbus.connection';
import { mapStartupError } from '../connection/map-startup-error';
import { DeadLetterSink, LogDeadLetterSink, StreamDeadLetterSink } from '../dead-letter';
import { HandlerInvokerFactory } from '../handlers/handler-invoker.factory';
import { JobHandlerExplorer } from '../handlers/job-handler.explorer';
import { type ResolvedModuleOptions, reaperDurable } from '../options/resolve-module-options';
import { laneSubjects } from '../lanes';
import { JetbusMetrics } from '../observability/jetbus-metrics';
import { repairWorkQueues } from '../repair';
import { AttemptLedger } from '../retry/attempt-ledger';
import { ReleaseRunner, ScheduleOutcomes } from '../scheduling';
import { PeriodicScheduler } from './periodic-scheduler';
import { CancelWatch, CancellationStore, RunnerCancellation } from '../cancellation';
import { UniqueKeys } from '../unique';
import { JETBUS_CORE_VERSION } from '../version';
import { HeartbeatWriter, workerKey } from '../workers';
import { ConsumerRunner } from './consumer-runner';
import { handlerHeartbeat } from './handler-heartbeat';
import { HandlerRegistrar } from './handler-registrar';
import { IsolationGate } from './isolation-gate';
import { type PreparedHandler } from './prepared-handler';
import { reaperSpecs } from './reaper-specs';

/**
 * The Nest transport strategy: every `@JobHandler` gets its own durable pull consumer and runner.
 * Use it as `app.connectMicroservice({ strategy: app.get(JetbusServer) })`, or call `start()` in
 * a worker built with `NestFactory.createApplicationContext`.
 */
@Injectable()
export class JetbusServer extends Server implements CustomTransportStrategy, BeforeApplicationShutdown {
  private runners: ConsumerRunner[] = [];
  private releasers: ReleaseRunner[] = [];
  private periodic?: PeriodicScheduler;
  private heartbeat?: HeartbeatWriter;
  private cancelWatch?: CancelWatch;
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

  /**
   * Provisions every handler's consumer and starts consuming. Idempotent. Each JetStream request on
   * the way rides out a leader election; a failure rejects with a `JetbusError` (`StartupError`
   * naming the request, `JetbusConfigError`, `PermissionDeniedError`…), never a bare nats.js error.
   */
  start(): Promise<void> {
    this.starting ??= this.startRunners().catch((e: unknown) => {
      // Every request is named where it is made; this only keeps one that was missed typed.
      throw mapStartupError(e, 'start the workers', 0);
    });
    return this.starting;
  }

  private async startRunners(): Promise<void> {
    const startedAt = new Date().toISOString();
    const registrar = new HandlerRegistrar(this.connection, this.metrics, this.log, this.options.name);
    // Before the handlers: a @Periodic method's consumer needs the tick stream.
    const periodic = await PeriodicScheduler.prepare(this.explorer.explore(), this.options.periodic, {
      connection: this.connection,
      codec: this.options.codec,
      metrics: this.metrics.periodic,
      publishTimeoutMs: this.options.publishTimeoutMs,
      logger: this.log,
      service: this.options.name,
    });
    const prepared = await this.prepareHandlers(registrar);
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
      encryption: this.options.encryption,
      deadLetters: this.deadLetters,
      logger: this.log,
    };
    // One gate for every handler of the process: a crash takes all of their jobs down at once.
    const isolation = {
      gate: new IsolationGate(),
      ledger: new AttemptLedger(this.connection.js, this.log),
      uniqueKeys: new UniqueKeys(this.connection.js),
      cancellation: await this.startCancelWatch(),
    };
    const logOnly = { ...base, deadLetters: new LogDeadLetterSink(this.log) };
    this.runners = prepared.map(
      (h) => new ConsumerRunner(h, { ...(h.options.deadLetter === false ? logOnly : base), ...isolation }),
    );
    const reapers = await this.prepareReapers(registrar, prepared, isolation.uniqueKeys);
    this.runners.push(...reapers.map((r) => new ConsumerRunner(r, logOnly)));
    await Promise.all(this.runners.map((r) => r.start()));
    await this.startReleasers(prepared);
    this.periodic = periodic;
    await periodic?.start(prepared);
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
    this.startHeartbeat(prepared, startedAt);
  }

  /** With `cancellation`: the watch of `JETBUS_CANCELLED`, read before any job runs. */
  private async startCancelWatch(): Promise<RunnerCancellation | undefined> {
    const settings = this.options.cancellation;
    if (!settings) return undefined;
    const store = new CancellationStore(this.connection.js, settings.ttlMs);
    this.cancelWatch = new CancelWatch(store, settings.ttlMs, this.log, settings.maxInMemory);
    await this.cancelWatch.start();
    return new RunnerCancellation(this.cancelWatch, store, this.log);
  }

  /** Reports this process in `JETBUS_WORKERS`: its `@JobHandler`s only, not jetbus's own reapers. */
  private startHeartbeat(handlers: PreparedHandler[], startedAt: string): void {
    const settings = this.options.heartbeat;
    if (!settings) return;
    const user = this.connection.user ?? 'anon';
    const host = hostname();
    const pid = process.pid;
    const id = workerKey({ user, host, pid, random: randomBytes(4).toString('hex') });
    this.heartbeat = new HeartbeatWriter(
      this.connection.js,
      { id, name: this.options.name, user, host, pid, version: JETBUS_CORE_VERSION, startedAt },
      () => handlers.map(handlerHeartbeat),
      settings.intervalMs,
      this.log,
    );
    this.heartbeat.start();
  }

  /**
   * With `scheduling`, one release consumer per subject this process handles, shared with every
   * other process handling it: the workers already running release delayed jobs, no leader.
   */
  private async startReleasers(handlers: PreparedHandler[]): Promise<void> {
    const scheduling = this.options.scheduling;
    if (!scheduling || !scheduling.release) return;
    const stream = scheduling.stream.name;
    const deps = {
      js: this.connection.js,
      jsm: this.connection.jsm,
      stream,
      outcomes: new ScheduleOutcomes(this.connection.js, stream),
      metrics: this.metrics.scheduling,
      publishTimeoutMs: this.options.publishTimeoutMs,
      maxPayload: this.connection.maxPayload,
      deadLetters: this.deadLetters,
      logger: this.log,
    };
    const subjects = handlers.flatMap((h) => [h.subject, ...laneSubjects(h.subject, h.options.lanes)]);
    this.releasers = [...new Set(subjects)].map((s) => new ReleaseRunner(s, deps));
    await Promise.all(this.releasers.map((r) => r.start()));
  }

  /** Validates all handler options before touching the server, so one bad option fails fast. */
  private async prepareHandlers(registrar: HandlerRegistrar): Promise<PreparedHandler[]> {
    const specs = this.explorer.explore().map((h) => {
      const where = `@JobHandler(${JSON.stringify(h.subject)}) on ${h.name}`;
      return registrar.resolve({
        name: h.name,
        subject: h.subject,
        options: h.options,
        defaults: this.options.handlerDefaults,
        where,
        invoke: this.invokers.create(h),
        payloadType: this.invokers.payloadType(h),
      });
    });
    const prepared: PreparedHandler[] = [];
    for (const spec of specs) prepared.push(await registrar.provision(spec));
    return prepared;
  }

  /** The reaper's handlers, when this module writes dead letters to a stream and runs the reaper. */
  private async prepareReapers(
    registrar: HandlerRegistrar,
    handlers: PreparedHandler[],
    uniqueKeys: UniqueKeys,
  ): Promise<PreparedHandler[]> {
    const dl = this.options.deadLetter;
    if (!dl || !dl.reaper || !(this.deadLetters instanceof StreamDeadLetterSink)) return [];
    const specs = reaperSpecs(
      handlers,
      { deadLetterStream: dl.stream.name, advisoryStream: dl.reaper.stream.name, durable: reaperDurable },
      this.deadLetters,
      { connection: this.connection, metrics: this.metrics, log: this.log, uniqueKeys },
    ).map((spec) => registrar.resolve(spec));
    const prepared: PreparedHandler[] = [];
    for (const spec of specs) prepared.push(await registrar.provision(spec));
    return prepared;
  }

  /**
   * Drains every runner within the shutdown grace period, then deletes this process's heartbeat
   * (it kept beating while jobs drained). Idempotent; safe before start().
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => undefined);
      const grace = this.options.shutdownGracePeriodMs;
      await this.periodic?.stop();
      await Promise.allSettled([...this.runners, ...this.releasers].map((r) => r.stop(grace)));
      await this.cancelWatch?.stop().catch(() => undefined);
      await this.heartbeat?.stop().catch(() => undefined);
      // An application that only publishes never started workers: nothing to say it stopped.
      if (this.starting) this.log.info('jetbus workers stopped');
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
