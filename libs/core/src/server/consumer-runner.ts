import { type Consumer, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { type Logger } from 'pino';
import { type Codec } from '../codec';
import { jobHeaders } from '../codec/message-headers';
import { type DeadLetterSink } from '../dead-letter';
import { DecodeError, JobTimeoutError } from '../errors';
import { traceFrom } from '../observability/trace-context';
import { decideSettlement } from '../retry';
import { JetbusContext } from './jetbus.context';
import { type PreparedHandler } from './prepared-handler';
import { MessageWindow } from './message-window';
import { Semaphore } from './semaphore';

/** When recording a dead letter fails, the job comes back after this delay to try again. */
const DEAD_LETTER_RETRY_MS = 5_000;
/** Pause before pulling again after a pull failed (server away, consumer deleted). */
const RESUBSCRIBE_DELAY_MS = 1_000;
/**
 * How long one pull request waits for messages. Bounds how long shutdown waits for the last
 * pull to end, and costs one request per idle handler per period.
 */
const FETCH_EXPIRES_MS = 2_000;

interface InFlight {
  msg: JsMsg;
  startedAt: number;
  controller: AbortController;
  /** Set once ack/nak/term was sent, so shutdown and the handler never both settle a message. */
  settled: boolean;
}

class ShutdownAbort extends Error {
  override name = 'ShutdownAbort';
}

export interface ConsumerRunnerDeps {
  js: JetStreamClient;
  codec: Codec;
  deadLetters: DeadLetterSink;
  logger: Logger;
}

/**
 * Runs one handler on its durable pull consumer: pulls at most `prefetch` ahead, runs at most
 * `concurrency` at once, keeps long jobs alive with `working()`, and settles every message exactly
 * once. Backpressure comes from nats.js itself: its next pull request is queued behind the
 * messages already delivered, so a loop that waits for a free slot also delays the next pull.
 */
export class ConsumerRunner {
  private readonly semaphore: Semaphore;
  private readonly inFlight = new Set<InFlight>();
  private readonly log: Logger;
  private consumer?: Consumer;
  private readonly window: MessageWindow;
  private heartbeat?: NodeJS.Timeout;
  private stopping = false;
  private loopDone?: Promise<void>;
  private idleWaiters: (() => void)[] = [];
  private stopped?: Promise<void>;
  /**
   * Acks of jobs that succeeded in this turn of the event loop, sent together: one socket write
   * for many acks instead of one each (the largest single cost of a no-op job in the profile).
   */
  private acks: JsMsg[] = [];
  private readonly flushAcks = (): void => {
    const acks = this.acks;
    this.acks = [];
    for (const m of acks) m.ack();
  };

  constructor(
    private readonly handler: PreparedHandler,
    private readonly deps: ConsumerRunnerDeps,
  ) {
    this.semaphore = new Semaphore(handler.options.concurrency);
    this.window = new MessageWindow(handler.options.prefetch);
    this.log = deps.logger.child({ handler: handler.name, durable: handler.options.durable });
  }

  /** Resolves once the consumer is bound; pulling runs in the background. */
  async start(): Promise<void> {
    const { stream, options } = this.handler;
    this.consumer = await this.deps.js.consumers.get(stream, options.durable);
    const beatEvery = Math.max(250, Math.floor(options.ackWaitMs / 3));
    this.heartbeat = setInterval(() => this.beat(beatEvery), beatEvery).unref();
    this.loopDone = this.loop();
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
        for await (const msg of batch) {
          if (this.stopping) {
            msg.nak();
            continue;
          }
          this.window.take();
          const wait = this.semaphore.acquire();
          if (wait) await wait;
          if (this.stopping) {
            this.semaphore.release();
            this.window.give();
            msg.nak();
            continue;
          }
          void this.process(msg);
        }
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

  private async process(msg: JsMsg): Promise<void> {
    const entry: InFlight = { msg, startedAt: Date.now(), controller: new AbortController(), settled: false };
    const { metrics } = this.handler;
    this.inFlight.add(entry);
    metrics.inFlight.inc();
    const started = performance.now();
    let failed = false;
    let error: unknown;
    try {
      await this.run(entry);
    } catch (e) {
      failed = true;
      error = e;
    }
    this.inFlight.delete(entry);
    metrics.inFlight.dec();
    metrics.duration.observe((performance.now() - started) / 1000);
    try {
      if (!entry.settled) {
        entry.settled = true;
        await this.settle(msg, failed, error);
      }
    } catch (e) {
      // e.g. a confirmed ack that timed out: the server redelivers after ack_wait, nothing is lost.
      this.log.error({ err: e, subject: msg.subject, seq: msg.seq }, 'could not settle job');
    } finally {
      this.semaphore.release();
      this.window.give();
      if (this.inFlight.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private async run(entry: InFlight): Promise<void> {
    const { msg, controller } = entry;
    const { codec } = this.deps;
    // A header block nats.js cannot decode (a raw HPUB with `Bad Key: v`) is the producer's fault,
    // like a body that is not JSON: dead-letter it at once, the block kept escaped.
    const { undecodable } = jobHeaders(msg);
    if (undecodable)
      throw new DecodeError(msg.subject, `undecodable header block: ${undecodable.slice(0, 200)}`);
    let payload: unknown;
    try {
      payload = codec.decode(msg.data);
    } catch (e) {
      throw new DecodeError(msg.subject, (e as Error).message, { cause: e });
    }
    if (this.handler.validator) payload = await this.handler.validator.validate(msg.subject, payload);
    const ctx = new JetbusContext(msg, controller);
    const timeoutMs = this.handler.options.timeoutMs;
    if (timeoutMs === undefined) {
      await this.handler.invoke(payload, ctx);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new JobTimeoutError(msg.subject, timeoutMs);
        controller.abort(err);
        reject(err);
      }, timeoutMs);
    });
    try {
      await Promise.race([this.handler.invoke(payload, ctx), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async settle(msg: JsMsg, failed: boolean, error: unknown): Promise<void> {
    const { options, name, subject } = this.handler;
    if (!failed) {
      if (options.confirmAck) await msg.ackAck();
      else if (this.acks.push(msg) === 1) setImmediate(this.flushAcks);
      this.handler.metrics.acked.inc();
      return;
    }
    // Parsing the delivery info costs; only the failure path needs the attempt number.
    const attempt = msg.info.deliveryCount;
    const decision = decideSettlement({
      error,
      failed,
      attempt,
      maxAttempts: options.maxAttempts,
      backoff: this.handler.backoff,
    });
    switch (decision.kind) {
      case 'ack':
        return; // not reached: success returned above
      case 'retry':
        msg.nak(decision.delayMs);
        this.handler.metrics.retried.inc();
        this.log.warn(
          {
            err: error,
            subject: msg.subject,
            seq: msg.seq,
            attempt,
            retryInMs: decision.delayMs,
            traceId: traceFrom(jobHeaders(msg).headers)?.traceId,
          },
          'job failed; will retry',
        );
        return;
      case 'dead-letter':
        try {
          await this.deps.deadLetters.write({
            msg,
            reason: decision.reason,
            error,
            handler: name,
            target: options.deadLetter || undefined,
          });
          // No reason string: nats-server 2.9 does not parse "+TERM <reason>" and would redeliver.
          msg.term();
          this.handler.metrics.deadLettered.inc();
        } catch (e) {
          msg.nak(DEAD_LETTER_RETRY_MS);
          this.log.error(
            { err: e, subject, seq: msg.seq },
            'could not record dead letter; job returned to the stream to try again',
          );
        }
        return;
    }
  }

  private beat(olderThanMs: number): void {
    const now = Date.now();
    for (const entry of this.inFlight) {
      if (!entry.settled && now - entry.startedAt >= olderThanMs) entry.msg.working();
    }
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
        entry.controller.abort(new ShutdownAbort('worker shutting down'));
        entry.msg.nak();
        this.log.warn(
          { subject: entry.msg.subject, seq: entry.msg.seq },
          'job interrupted by shutdown; nak-ed',
        );
      }
      clearInterval(this.heartbeat);
      this.flushAcks();
      await this.loopDone;
    })();
    return this.stopped;
  }
}
