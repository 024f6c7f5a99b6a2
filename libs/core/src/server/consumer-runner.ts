import { type Consumer, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { type MsgHdrs } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { type Codec } from '../codec';
import { startupRequest } from '../connection/startup-request';
import { jobHeaders } from '../codec/message-headers';
import { type DeadLetterSink } from '../dead-letter';
import { DecodeError, JobTimeoutError } from '../errors';
import { type PayloadEncryption, openForHandler } from '../encryption';
import { type AttemptLedger } from '../retry/attempt-ledger';
import { type CancelGuard, type RunnerCancellation } from '../cancellation/runner-cancellation';
import { type UniqueKeys, releaseUniqueKey } from '../unique';
import { defaultJobId } from '../codec/job-id';
import { jobIdFromHeaders } from './completed-jobs';
import { DeliveryTriage, type Lane } from './delivery-triage';
import { type IsolationGate } from './isolation-gate';
import { JobSettler } from './job-settler';
import { AckBatch } from './ack-batch';
import { type PreparedHandler } from './prepared-handler';
import { MessageWindow } from './message-window';
import { RunningJob } from './running-job';
import { RateLimiter } from '../rate-limit';
import { Semaphore } from './semaphore';
import { type LanePullerHooks } from '../lanes';
import { startLanePulling } from './lane-pulling';

/**
 * How long a suspect waits for the other jobs of its process to finish so it can run alone. Past
 * it (a job that never ends) the suspect is handed back and comes round again.
 */
const EXCLUSIVE_WAIT_MS = 30_000;
/** Pause before pulling again after a pull failed (server away, consumer deleted). */
const RESUBSCRIBE_DELAY_MS = 1_000;
/**
 * How long one pull request waits for messages. Bounds how long shutdown waits for the last
 * pull to end, and costs one request per idle handler per period.
 */
const FETCH_EXPIRES_MS = 2_000;

/** What `run` did: ran the handler, or found the job already completed (`idempotency`). */
type RunOutcome = 'ran' | 'completed-before' | 'deferred';

class ShutdownAbort extends Error {
  override name = 'ShutdownAbort';
}

export interface ConsumerRunnerDeps {
  js: JetStreamClient;
  codec: Codec;
  deadLetters: DeadLetterSink;
  logger: Logger;
  /**
   * Poison isolation, process-wide: the gate every handler's jobs pass, and the ledger telling a
   * failed delivery from one whose worker died. Without them (the reaper) jobs run as delivered.
   */
  gate?: IsolationGate;
  ledger?: AttemptLedger;
  /** The module's `encryption`: decrypts before the codec, refuses cleartext on encrypted subjects. */
  encryption?: PayloadEncryption;
  /** With the module's `cancellation`: cancelled jobs are term'ed, running ones aborted. */
  cancellation?: RunnerCancellation;
  /** Frees the key of a job published with `unique: { until: 'completed' }` at its final outcome. */
  uniqueKeys?: UniqueKeys;
}

/**
 * Runs one handler on its durable pull consumer: pulls at most `prefetch` ahead, runs at most
 * `concurrency` at once, keeps long jobs alive with `working()`, and settles every message exactly
 * once. Backpressure comes from the window: the next pull is sent only once fewer than half of
 * `prefetch` jobs are outstanding (running or waiting for a slot, both kept alive by heartbeats).
 */
export class ConsumerRunner {
  private readonly semaphore: Semaphore;
  private readonly inFlight = new Set<RunningJob>();
  /**
   * Delivered jobs waiting for a handler slot (a lane's pull beyond `prefetch`, `prefetch` above
   * `concurrency`), with the heartbeat count at their arrival: their `ack_wait` runs too, so they
   * get `working()` like running jobs, or the server would hand them out again meanwhile.
   */
  private readonly queued = new Map<JsMsg, number>();
  private readonly log: Logger;
  private consumer?: Consumer;
  private readonly window: MessageWindow;
  private heartbeat?: NodeJS.Timeout;
  /** Heartbeats sent so far: a job's age in periods, without reading the clock per job. */
  private beats = 0;
  private stopping = false;
  private loopDone?: Promise<void>;
  private idleWaiters: (() => void)[] = [];
  private stopped?: Promise<void>;
  private readonly triage: DeliveryTriage;
  private readonly settler: JobSettler;
  /** Acks of jobs that finish together in one socket write; flushed before `stop()` resolves. */
  private readonly acks: AckBatch;
  /** Ledger writes for naks sent at shutdown, awaited before the connection may close. */
  private readonly releases = new Set<Promise<void>>();
  private readonly limiter?: RateLimiter;

  constructor(
    private readonly handler: PreparedHandler,
    private readonly deps: ConsumerRunnerDeps,
  ) {
    this.semaphore = new Semaphore(handler.options.concurrency);
    this.window = new MessageWindow(handler.options.prefetch);
    this.log = deps.logger.child({ handler: handler.name, durable: handler.options.durable });
    this.triage = new DeliveryTriage(
      deps.gate ? deps.ledger : undefined,
      handler.options.crashLimit,
      handler.options.maxAttempts,
      handler.options.rateLimit !== undefined,
      (msg, dlqSeq) =>
        deps.deadLetters.holds(
          dlqSeq,
          handler.options.deadLetter || undefined,
          msg.info.stream,
          msg.info.streamSequence,
        ),
    );
    this.limiter = RateLimiter.create(handler.options, handler.stream, deps.js, handler.metrics, this.log);
    const { uniqueKeys } = deps;
    this.acks = new AckBatch(this.log);
    this.settler = new JobSettler(
      handler,
      this.triage,
      deps.deadLetters,
      this.log,
      uniqueKeys && ((msg) => void releaseUniqueKey(uniqueKeys, jobHeaders(msg).headers, this.log)),
      this.acks,
    );
  }

  /** Resolves once the consumer is bound; pulling runs in the background. */
  async start(): Promise<void> {
    const { stream, options } = this.handler;
    const lanes = options.lanes
      ? await startLanePulling(
          this.handler,
          this.deps.js,
          this.window,
          this.laneHooks(),
          this.log,
          this.deps.deadLetters,
        )
      : undefined;
    if (!lanes) {
      const { js } = this.deps;
      this.consumer = await startupRequest(
        `bind consumer ${stream}/${options.durable}`,
        () => js.consumers.get(stream, options.durable),
        this.log,
      );
    }
    const beatEvery = Math.max(250, Math.floor(options.ackWaitMs / 3));
    this.heartbeat = setInterval(() => this.beat(), beatEvery).unref();
    this.loopDone = lanes ? lanes.run() : this.loop();
  }

  /** With `priorities` or `fairness`: the lane puller hands each message to `accept`, as `loop` does. */
  private laneHooks(): LanePullerHooks {
    return {
      accept: (msg) => this.accept(msg),
      stopping: () => this.stopping,
      pulled: (lane) => this.handler.metrics.lanePulled?.(lane),
    };
  }

  /**
   * Pulls with `fetch()` batches rather than `consume()`: a pull request cannot be withdrawn on
   * nats-server 2.9, and `consume()` may send a refill pull after it was stopped, whose messages
   * then go to a dead inbox and wait out `ack_wait`. Here no pull is sent once stopping began,
   * and the one outstanding is read to its end, nak-ing what arrives.
   */
  private async loop(): Promise<void> {
    const { prefetch } = this.handler.options;
    while (!this.stopping) {
      try {
        // Refill at half, like consume(): fewer, larger pulls without leaving handlers idle.
        await this.window.waitBelow(Math.ceil(prefetch / 2));
        if (this.stopping) break;
        const batch = await this.consumer!.fetch({
          max_messages: prefetch - this.window.used,
          expires: FETCH_EXPIRES_MS,
        });
        // Not awaited: every job of the batch is taken at once, and those waiting for a slot are
        // kept alive (`queued`); one left inside the batch's iterator would get no heartbeat. The
        // window bounds what is pulled.
        for await (const msg of batch) void this.accept(msg);
      } catch (e) {
        if (this.stopping) break;
        this.log.error({ err: e }, 'pull failed; retrying');
        await new Promise((r) => setTimeout(r, RESUBSCRIBE_DELAY_MS));
        try {
          this.consumer = await this.deps.js.consumers.get(this.handler.stream, this.handler.options.durable);
        } catch {
          // The server is still away; the next round tries again.
        }
      }
    }
  }

  /**
   * Takes one pulled message: waits for a handler slot and runs it, or, once stopping began,
   * releases it (a nak) so another instance takes it at once. A promise only when it has to wait
   * for a slot: a free slot costs no await per message.
   */
  private accept(msg: JsMsg): Promise<void> | undefined {
    if (this.stopping) {
      this.release(msg, undefined);
      return undefined;
    }
    this.window.take();
    const wait = this.semaphore.acquire();
    if (wait) return this.acceptWhenFree(msg, wait);
    void this.process(msg);
    return undefined;
  }

  private async acceptWhenFree(msg: JsMsg, wait: Promise<void>): Promise<void> {
    const arrived = this.beats;
    this.queued.set(msg, arrived);
    await wait;
    this.queued.delete(msg);
    if (this.stopping) {
      this.semaphore.release();
      this.window.give();
      this.release(msg, undefined);
      return;
    }
    // Its heartbeats go on from its arrival, not from now.
    void this.process(msg, arrived);
  }

  private async process(msg: JsMsg, arrived = this.beats): Promise<void> {
    const entry = new RunningJob(msg, arrived);
    const { metrics } = this.handler;
    const { gate } = this.deps;
    this.inFlight.add(entry);
    metrics.inFlight.inc();
    let entered: 'shared' | 'exclusive' | undefined;
    try {
      const triaged = this.triage.lane(msg);
      const lane = triaged instanceof Promise ? await triaged : triaged;
      entry.lane = lane;
      if (lane.kind === 'culprit') {
        if (!entry.settled) {
          entry.settled = true;
          await this.settler.culprit(msg, lane);
        }
        return;
      }
      if (lane.kind === 'exclusive') {
        if (!(await gate!.enterExclusive(EXCLUSIVE_WAIT_MS))) {
          // Other jobs kept running (one may hang): give it back, unrecorded, so it stays a suspect.
          if (!entry.settled) {
            entry.settled = true;
            msg.nak(RESUBSCRIBE_DELAY_MS);
            this.log.warn(
              { subject: msg.subject, seq: msg.seq },
              'could not run a suspect job alone in time; returned it',
            );
          }
          return;
        }
        entered = 'exclusive';
        if (entry.settled) return; // released by shutdown while it waited
        // Logged before the crash is counted: an operator (and the chaos test) can tell which
        // deaths a culprit was blamed for, including a kill from outside during its run alone.
        this.log.info(
          {
            subject: msg.subject,
            seq: msg.seq,
            delivery: msg.info.deliveryCount,
            isolatedCrashes: lane.record.isolatedCrashes,
          },
          'running a suspect job alone',
        );
        await this.triage.beginExclusive(msg, lane);
      } else if (gate) {
        const wait = gate.enterShared();
        entered = 'shared';
        if (wait) await wait;
        if (entry.settled) return;
      }
      await this.runAndSettle(entry, lane);
    } catch (e) {
      // e.g. a confirmed ack that timed out: the server redelivers after ack_wait, nothing is lost.
      this.log.error({ err: e, subject: msg.subject, seq: msg.seq }, 'could not settle job');
    } finally {
      if (entered === 'exclusive') gate!.leaveExclusive();
      else if (entered === 'shared') gate!.leaveShared();
      this.inFlight.delete(entry);
      metrics.inFlight.dec();
      this.semaphore.release();
      this.window.give();
      if (this.inFlight.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private async runAndSettle(entry: RunningJob, lane: Extract<Lane, { attempt: number }>): Promise<void> {
    const { msg } = entry;
    const started = performance.now();
    let failed = false;
    let error: unknown;
    let outcome: RunOutcome = 'ran';
    // No await unless the watch's memory cannot tell (see RunnerCancellation).
    const armed = this.deps.cancellation?.arm(msg, entry);
    const cancel = armed instanceof Promise ? await armed : armed;
    try {
      if (!cancel?.cancelled) outcome = await this.run(entry, lane, cancel);
    } catch (e) {
      failed = true;
      error = e;
    } finally {
      cancel?.dispose();
    }
    if (outcome !== 'deferred') this.handler.metrics.duration.observe((performance.now() - started) / 1000);
    if (entry.settled) return;
    entry.settled = true;
    if (cancel?.cancelled) await this.settler.cancelled(msg, lane, cancel);
    else if (outcome === 'deferred') await this.settler.defer(msg, lane, entry.deferMs!);
    else if (outcome === 'completed-before') this.settler.alreadyCompleted(msg, lane, entry.jobId!);
    else if (failed) await this.settler.failed(msg, lane, error);
    else {
      const acking = this.settler.succeeded(msg, lane, entry.jobId);
      if (acking) await acking;
    }
  }

  private async run(entry: RunningJob, lane: Lane, cancel?: CancelGuard): Promise<RunOutcome> {
    const { msg } = entry;
    const { codec } = this.deps;
    // A header block nats.js cannot decode (a raw HPUB with `Bad Key: v`) is the producer's fault,
    // like a body that is not JSON: dead-letter it at once, the block kept escaped.
    const { undecodable, headers } = jobHeaders(msg);
    if (undecodable)
      throw new DecodeError(msg.subject, `undecodable header block: ${undecodable.slice(0, 200)}`);
    // Decrypts an encrypted job (or refuses cleartext on an encrypted subject); no await when clear.
    const opened = openForHandler(this.deps.encryption, msg.subject, headers, msg.data);
    const data = opened instanceof Promise ? await opened : opened;
    let payload: unknown;
    try {
      payload = codec.decode(data);
    } catch (e) {
      throw new DecodeError(msg.subject, (e as Error).message, { cause: e });
    }
    if (this.handler.validator) payload = await this.handler.validator.validate(msg.subject, payload);
    const { completed } = this.handler;
    if (completed) {
      entry.jobId = this.jobId(msg, headers, payload);
      if (await completed.has(entry.jobId)) return 'completed-before';
    }
    // Last step before the handler: an admission is a start time, which must be kept.
    const admitted =
      this.limiter &&
      (await this.limiter.admit(msg, payload, lane.kind !== 'exclusive', entry.controller.signal));
    if (admitted && !admitted.start) {
      entry.deferMs = admitted.deferMs;
      return 'deferred';
    }
    const timeoutMs = this.handler.options.timeoutMs;
    if (timeoutMs === undefined) {
      await this.invoke(payload, entry, cancel);
      return 'ran';
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new JobTimeoutError(msg.subject, timeoutMs);
        entry.abort(err);
        reject(err);
      }, timeoutMs);
    });
    try {
      await Promise.race([this.invoke(payload, entry, cancel), timedOut]);
    } finally {
      clearTimeout(timer);
    }
    return 'ran';
  }

  /** The job is its own context source: a context is built only if the handler takes one. */
  private invoke(payload: unknown, entry: RunningJob, cancel: CancelGuard | undefined): Promise<unknown> {
    const handled = this.handler.invoke(payload, entry);
    // A cancel settles the job at once, as a timeout does, whatever the handler does with its signal.
    return cancel ? Promise.race([handled, cancel.aborted]) : handled;
  }

  /** The `idempotency` key of a job: the configured header or function, else `defaultJobId`. */
  private jobId(msg: JsMsg, headers: MsgHdrs | undefined, payload: unknown): string {
    const idempotency = this.handler.options.idempotency!;
    const { stream, streamSequence } = msg.info;
    const fromPayload = typeof idempotency.key === 'function' ? idempotency.key(payload) : undefined;
    return (
      fromPayload ||
      jobIdFromHeaders(idempotency, headers, stream, streamSequence) ||
      defaultJobId(headers, stream, streamSequence)
    );
  }

  /**
   * Naks a job this runner will not run (shutdown) so another instance takes it at once, recorded
   * so it does not come back a suspect; stop() awaits these before the connection may close.
   */
  private release(msg: JsMsg, lane: Lane | undefined): void {
    const released = this.settler.release(msg, lane).finally(() => this.releases.delete(released));
    this.releases.add(released);
  }

  /**
   * Every `ackWait / 3`: `working()` for each job that arrived before the previous beat, i.e. has
   * run at least one whole period (a job is never more than two periods without one).
   */
  private beat(): void {
    const previous = this.beats++;
    for (const entry of this.inFlight) {
      if (!entry.settled && entry.beatsBefore < previous) entry.msg.working();
    }
    for (const [msg, beatsBefore] of this.queued) if (beatsBefore < previous) msg.working();
  }

  /**
   * Stops pulling, lets running handlers finish for up to `graceMs`, then aborts the rest through
   * their signal and naks them so another instance picks them up at once. Idempotent.
   */
  stop(graceMs: number): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.semaphore.releaseWaiters();
      this.window.wake();
      if (this.inFlight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((r) => this.idleWaiters.push(r)),
          new Promise<void>((r) => (timer = setTimeout(r, graceMs))),
        ]);
        clearTimeout(timer);
      }
      for (const entry of this.inFlight) {
        if (entry.settled) continue;
        entry.settled = true;
        entry.abort(new ShutdownAbort('worker shutting down'));
        this.release(entry.msg, entry.lane);
        this.log.warn(
          { subject: entry.msg.subject, seq: entry.msg.seq },
          'job interrupted by shutdown; nak-ed',
        );
      }
      clearInterval(this.heartbeat);
      this.acks.flush();
      await this.loopDone;
      await Promise.allSettled([...this.releases]);
      this.acks.flush();
    })();
    return this.stopped;
  }
}
