import { type Consumer, type JsMsg } from '@nats-io/jetstream';
import { type Logger } from 'pino';
import { WeightedPicker } from './weighted-picker';

/**
 * A pull of a lane known to hold jobs asks for no more than it holds, so it normally returns at
 * once; this bounds the wait when another instance took them first. nats.js's minimum.
 */
const GRANT_EXPIRES_MS = 1_000;
/** A one-message pull kept open on an empty lane, so its next job is taken as soon as it is stored. */
const PROBE_EXPIRES_MS = 2_000;
/** Pause before pulling a lane again after its pull failed (server away, consumer deleted). */
const RETRY_DELAY_MS = 1_000;

/** One consumer the handler pulls from. */
export interface LaneSource {
  /** `high`, `normal`, `low`, `ungrouped` or `group:<group>`; the metrics and log label. */
  key: string;
  /** Share of the pulled jobs while several lanes have jobs. */
  weight: number;
  /**
   * Keep a one-message pull open while the lane is empty (the priority lanes and the ungrouped
   * lane). Group lanes are found by discovery instead, so idle tenants cost no pulls.
   */
  probe: boolean;
  consumer: Consumer;
  /** Binds the consumer again after a failed pull; undefined drops the lane (a removed group). */
  rebind: () => Promise<Consumer | undefined>;
}

interface LaneState {
  source: LaneSource;
  /** Jobs the lane is known (from the last message's `info.pending`) or hinted to hold. */
  pending: number;
  fetching: boolean;
  lastJobAt: number;
  gone: boolean;
}

/** The runner's pull window, as the puller reads it. */
export interface PullWindow {
  readonly size: number;
  readonly used: number;
  waitBelow(below: number): Promise<void> | void;
}

export interface LanePullerHooks {
  /**
   * Takes one pulled message: counts it in the window, waits for a handler slot and runs it, or
   * releases it when stopping. A promise only when it waits for a slot.
   */
  accept(msg: JsMsg): Promise<void> | undefined;
  stopping(): boolean;
  /** Called with each pulled message's lane. */
  pulled?(lane: string): void;
}

/**
 * Pulls one handler's jobs from several consumers (lanes) through one window: when handlers free
 * room, it is shared among the lanes holding jobs by weight (smooth weighted round-robin, per job),
 * each lane asked for its share in one `fetch()`. Empty probe lanes keep a one-message pull open,
 * so a job on an empty high lane waits for no pull round; each can add one message beyond
 * `prefetch`, which waits for a handler slot like any other. As in the single-consumer loop, no pull
 * is sent once stopping began, and what an outstanding pull still brings is handed to `accept`,
 * which releases (naks) it.
 */
export class LanePuller {
  private readonly lanes = new Map<string, LaneState>();
  private readonly picker = new WeightedPicker<LaneState>();
  private readonly fetches = new Set<Promise<void>>();
  /** Slots asked for by pulls still open and not yet filled. */
  private reserved = 0;
  private wakeup?: () => void;
  private readonly threshold: number;

  constructor(
    private readonly window: PullWindow,
    private readonly hooks: LanePullerHooks,
    private readonly log: Logger,
  ) {
    // Refill once half the window is free, like the single-consumer loop: fewer, larger pulls.
    this.threshold = Math.max(1, Math.ceil(window.size / 2));
  }

  /** Adds a lane; `pending` is what it is known or hinted to hold (0: probe it, or wait for a hint). */
  add(source: LaneSource, pending = 0): void {
    if (this.lanes.has(source.key)) return;
    this.lanes.set(source.key, { source, pending, fetching: false, lastJobAt: Date.now(), gone: false });
    this.signal();
  }

  has(key: string): boolean {
    return this.lanes.has(key);
  }

  keys(): string[] {
    return [...this.lanes.keys()];
  }

  /** Marks a lane as holding jobs (discovery saw them); a lane already pulling learns it from its messages. */
  hint(key: string): void {
    const lane = this.lanes.get(key);
    if (!lane || lane.fetching || lane.pending > 0) return;
    // One job: that pull returns at once and its `info.pending` tells the real backlog.
    lane.pending = 1;
    this.signal();
  }

  /** Whether a lane had no job for `idleMs` and no pull open, so it can be removed. */
  idle(key: string, idleMs: number): boolean {
    const lane = this.lanes.get(key);
    return !!lane && !lane.fetching && lane.pending === 0 && Date.now() - lane.lastJobAt >= idleMs;
  }

  remove(key: string): void {
    const lane = this.lanes.get(key);
    if (!lane) return;
    lane.gone = true;
    this.lanes.delete(key);
    this.picker.forget(lane);
  }

  /** Runs until the runner stops, then waits for the outstanding pulls to be read to their end. */
  async run(): Promise<void> {
    while (!this.hooks.stopping()) {
      this.startProbes();
      const eligible = this.grant();
      await new Promise<void>((resolve) => {
        this.wakeup = resolve;
        // With a lane waiting for room, wake when the handlers freed enough; else only on a change
        // (a pull ended, a lane added or hinted) or on stop, which wakes the window.
        const below = eligible ? this.window.size - this.reserved - this.threshold + 1 : 0;
        const room = this.window.waitBelow(below);
        if (room) void room.then(resolve);
        else setImmediate(resolve);
      });
      this.wakeup = undefined;
    }
    await Promise.allSettled([...this.fetches]);
  }

  private signal(): void {
    const wake = this.wakeup;
    this.wakeup = undefined;
    wake?.();
  }

  private startProbes(): void {
    for (const lane of this.lanes.values()) {
      if (lane.source.probe && lane.pending === 0 && !lane.fetching) this.startFetch(lane, 1, false);
    }
  }

  /** Shares the free room among lanes with jobs; returns whether a lane with jobs still waits for room. */
  private grant(): boolean {
    let room = this.window.size - this.window.used - this.reserved;
    const wanting = () => [...this.lanes.values()].filter((l) => !l.fetching && l.pending > 0);
    if (room < this.threshold) return wanting().length > 0;
    const shares = new Map<LaneState, number>();
    while (room > 0) {
      const candidates = wanting()
        .filter((l) => l.pending > (shares.get(l) ?? 0))
        .map((l) => ({ key: l, weight: l.source.weight }));
      const lane = this.picker.pick(candidates);
      if (!lane) break;
      shares.set(lane, (shares.get(lane) ?? 0) + 1);
      room--;
    }
    for (const [lane, n] of shares) this.startFetch(lane, n, true);
    return false;
  }

  private startFetch(lane: LaneState, n: number, counted: boolean): void {
    lane.fetching = true;
    if (counted) this.reserved += n;
    const pull = this.pull(lane, n, counted).finally(() => {
      lane.fetching = false;
      this.fetches.delete(pull);
      this.signal();
    });
    this.fetches.add(pull);
  }

  private async pull(lane: LaneState, n: number, counted: boolean): Promise<void> {
    let received = 0;
    try {
      const batch = await lane.source.consumer.fetch({
        max_messages: n,
        expires: counted ? GRANT_EXPIRES_MS : PROBE_EXPIRES_MS,
      });
      for await (const msg of batch) {
        received++;
        if (counted) this.reserved--;
        lane.pending = msg.info.pending;
        lane.lastJobAt = Date.now();
        this.hooks.pulled?.(lane.source.key);
        const waiting = this.hooks.accept(msg);
        // A probe's one job is awaited, so the lane sends no new probe while it waits for a slot (at
        // most one job per lane beyond the window). A grant's jobs fit the window: taken at once, so
        // none waits inside the batch's iterator, where it would get no heartbeat.
        if (waiting && !counted) await waiting;
      }
      // Fewer than asked: the lane ran dry, or another instance took its jobs.
      if (received < n) lane.pending = 0;
    } catch (e) {
      lane.pending = 0;
      if (this.hooks.stopping() || lane.gone) return;
      this.log.error({ err: e, lane: lane.source.key }, 'lane pull failed; retrying');
      await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
      const consumer = await lane.source.rebind().catch(() => lane.source.consumer);
      if (consumer) lane.source.consumer = consumer;
      else this.remove(lane.source.key);
    } finally {
      if (counted) this.reserved -= n - received;
    }
  }
}
