import { type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { type Cron } from 'croner';
import { type Logger } from 'pino';
import { type Codec } from '../../codec';
import { startupRequest } from '../../connection/startup-request';
import { JOB_ID_HEADER } from '../../codec/job-id';
import { type PeriodicMetrics } from '../../observability/jetbus-metrics';
import {
  PERIODIC_CATCH_UP_HEADER,
  PERIODIC_NAME_HEADER,
  PERIODIC_TICK_HEADER,
  periodicJobId,
  periodicMsgId,
} from './periodic-names';
import { type PeriodicStore } from './periodic-store';
import { type ResolvedPeriodic } from './periodic.options';
import { parseCron } from './resolve-periodic';

/** setTimeout holds at most ~24.8 days; a tick further away is waited for in steps. */
const MAX_WAIT_MS = 3_600_000;
/** Missed ticks counted at startup stop here (a per-second schedule down for a week). */
const MAX_MISSED_COUNTED = 10_000;

/** The consumer whose backlog `overlap: false` looks at: the tick handler's. */
export interface TickConsumer {
  stream: string;
  durable: string;
}

export interface PeriodicRunnerDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  store: PeriodicStore;
  codec: Codec;
  metrics: PeriodicMetrics;
  publishTimeoutMs: number;
  logger: Logger;
  /** The connection is to a cluster: see `whileElecting`. @default false */
  clustered?: boolean;
}

/** Why a tick this instance fired was not published by it. */
export type TickResult = 'published' | 'deduplicated' | 'skipped_paused' | 'skipped_overlap';

/**
 * Fires the ticks of one schedule in this process. Every instance declaring the schedule runs one
 * (no leader); at each tick time each of them:
 * 1. reads the paused flag (`paused.<name>`): paused, nothing is published;
 * 2. reads the last published tick (`last.<name>`): this tick or a later one, another instance
 *    published it;
 * 3. with `overlap: false`, reads the tick handler's consumer: a message pending or unacked, the
 *    previous tick is still waiting or running, nothing is published;
 * 4. publishes the tick with `Nats-Msg-Id: cron:<name>:<tick ISO time>`, so the stream stores one
 *    per tick whichever instances publish it within its duplicate window;
 * 5. moves `last.<name>` forward to the tick (compare-and-set), which keeps a later instance (beyond
 *    the window) from publishing it again.
 */
export class PeriodicRunner {
  private readonly cron: Cron;
  private readonly log: Logger;
  private timer?: NodeJS.Timeout;
  private firing?: Promise<unknown>;
  private stopped = false;

  constructor(
    readonly schedule: ResolvedPeriodic,
    private readonly deps: PeriodicRunnerDeps,
    /** With `overlap: false`: the consumer of the tick handler. */
    private readonly consumer: TickConsumer | undefined,
  ) {
    this.cron = parseCron(schedule.cron, schedule.timezone, schedule.where);
    this.log = deps.logger.child({ periodic: schedule.name });
  }

  /**
   * Applies the missed-tick policy (ticks after the last published one and up to now, none when no
   * tick was ever published), then waits for the next tick.
   */
  async start(now = new Date()): Promise<void> {
    const { store, clustered } = this.deps;
    const name = this.schedule.name;
    const last = await startupRequest(
      `read the last tick of periodic schedule ${name}`,
      () => store.lastTick(name),
      this.log,
      { clustered },
    );
    if (last) {
      const missed = this.missedSince(last, now);
      if (missed.count > 0) {
        if (this.schedule.missed === 'run-once') {
          this.log.info(
            { tick: missed.latest!.toISOString(), missed: missed.count },
            'running one missed tick',
          );
          this.deps.metrics.ticks(this.schedule.name, 'skipped_missed', missed.count - 1);
          await this.fire(missed.latest!, true);
        } else {
          this.log.info({ missed: missed.count, since: last.toISOString() }, 'skipping missed ticks');
          this.deps.metrics.ticks(this.schedule.name, 'skipped_missed', missed.count);
        }
      }
    }
    this.arm(now);
  }

  /** Ticks in (last, now]: how many (counted up to a bound) and the latest. */
  private missedSince(last: Date, now: Date): { count: number; latest: Date | undefined } {
    let count = 0;
    let latest: Date | undefined;
    let t = this.cron.nextRun(last);
    while (t && t.getTime() <= now.getTime() && count < MAX_MISSED_COUNTED) {
      count++;
      latest = t;
      t = this.cron.nextRun(t);
    }
    if (t && t.getTime() <= now.getTime()) {
      // Past the bound: the latest missed tick is the one before the next tick from now.
      const prev = this.cron.previousRuns(1, now)[0];
      if (prev) latest = prev;
    }
    return { count, latest };
  }

  /** Waits for the first tick after `after`. */
  private arm(after: Date): void {
    if (this.stopped) return;
    const next = this.cron.nextRun(after);
    if (!next) {
      this.log.info('schedule has no further ticks');
      return;
    }
    const wait = Math.min(MAX_WAIT_MS, next.getTime() - Date.now());
    this.timer = setTimeout(
      () => {
        if (Date.now() < next.getTime()) {
          // A step of a long wait, or a timer a millisecond early: wait on for the same tick.
          this.arm(new Date(next.getTime() - 1));
          return;
        }
        this.firing = this.fire(next).finally(() => {
          this.firing = undefined;
          // From the later of now and the tick: a tick already past while this one ran is not fired late.
          this.arm(new Date(Math.max(Date.now(), next.getTime())));
        });
      },
      Math.max(0, wait),
    );
  }

  /** Steps 1–5 above for `tick`; failures are logged (another instance may publish the tick). */
  async fire(tick: Date, catchUp = false): Promise<TickResult | undefined> {
    const { store, metrics } = this.deps;
    const name = this.schedule.name;
    try {
      const result = await this.decide(tick, catchUp);
      if (result === 'published' || result === 'deduplicated') await store.recordTick(name, tick);
      metrics.ticks(name, result, 1);
      if (result !== 'published') this.log.debug({ tick: tick.toISOString(), result }, 'tick not published');
      return result;
    } catch (e) {
      this.log.error({ err: e, tick: tick.toISOString() }, 'could not publish periodic tick');
      return undefined;
    }
  }

  private async decide(tick: Date, catchUp: boolean): Promise<TickResult> {
    const { store, js, codec } = this.deps;
    const s = this.schedule;
    if (await store.isPaused(s.name)) return 'skipped_paused';
    const last = await store.lastTick(s.name);
    if (last && last.getTime() >= tick.getTime()) return 'deduplicated';
    if (!s.overlap && this.consumer && (await this.busy(this.consumer))) return 'skipped_overlap';
    const iso = tick.toISOString();
    const h = natsHeaders();
    h.set(PERIODIC_TICK_HEADER, iso);
    h.set(PERIODIC_NAME_HEADER, s.name);
    if (catchUp) h.set(PERIODIC_CATCH_UP_HEADER, 'true');
    h.set(JOB_ID_HEADER, periodicJobId(s.name, tick));
    // No Content-Type means JSON (the wire contract); another codec names its type.
    if (codec.contentType !== 'application/json') h.set('Content-Type', codec.contentType);
    const payload = s.payload === undefined ? { schedule: s.name, tick: iso } : s.payload;
    const ack = await js.publish(s.subject, codec.encode(payload), {
      msgID: periodicMsgId(s.name, tick),
      headers: h,
      timeout: this.deps.publishTimeoutMs,
    });
    return ack.duplicate ? 'deduplicated' : 'published';
  }

  /** The previous tick is still waiting (pending) or running (delivered, not acked). */
  private async busy(c: TickConsumer): Promise<boolean> {
    const info = await this.deps.jsm.consumers.info(c.stream, c.durable);
    return info.num_pending + info.num_ack_pending > 0;
  }

  /** Stops firing; waits for a tick being published. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.firing;
  }
}
