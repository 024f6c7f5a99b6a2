import { type KV, type KvWatchEntry } from '@nats-io/kv';
import { type Logger } from 'pino';
import { startupRequest } from '../connection/startup-request';
import { CANCELLED_BUCKET } from '../wire/job-control-names';
import { CANCELLATION_MAX_IN_MEMORY } from './cancellation-options';
import { type CancellationStore, type JobCancellation, readCancellation } from './cancellation-store';

/** Pause before watching again after the watch ended (server away, bucket re-created). */
const REWATCH_DELAY_MS = 1_000;

/** An open request held in memory, until the bucket expires it. */
interface Kept {
  request: JobCancellation;
  /** Epoch ms: the entry's server timestamp plus the bucket's TTL. */
  expiresAt: number;
}

/**
 * The open cancel requests of `JETBUS_CANCELLED`, mirrored into this process by one KV watch, so a
 * worker learns that a delivered job is cancelled without a round trip per job. The bucket keeps
 * every request and outcome for its TTL (7 days by default), so mirroring all of it would grow with
 * every cancel ever made in that time; what is kept here is bounded instead:
 *
 * - **Open requests only.** An outcome (`state: 'cancelled'`) means a worker already met the job and
 *   termed it, so no delivery needs it, and it is dropped (as are deletes and purges). The one
 *   delivery that can still come is a redelivery whose term was lost: `RunnerCancellation` looks a
 *   redelivered job up in the bucket when it is not found here.
 * - **Until the bucket's TTL.** The server expires entries without an event; each is dropped here at
 *   its server timestamp plus the bucket's TTL (read from the bucket, which the process that created
 *   it set).
 * - **At most `maxInMemory`.** Past it the oldest (the first to expire) is dropped, and until it would
 *   have expired the mirror is not `complete`: a job not found here is then looked up in the bucket
 *   (one KV get per delivery while that lasts), so no request is ever missed, only slower to find.
 *
 * Running jobs register a listener and are told the moment any entry for them arrives, kept or not.
 */
export class CancelWatch {
  /** By bucket key, in arrival order, which is (server) timestamp order: the oldest come first. */
  private readonly kept = new Map<string, Kept>();
  private readonly listeners = new Map<string, Set<(request: JobCancellation) => void>>();
  /** Until then some open requests are not held (over `maxInMemory`): a miss proves nothing. */
  private incompleteUntil = 0;
  private ttlMs: number;
  private stopping = false;
  private watcher?: { stop(): void };
  private done?: Promise<void>;

  constructor(
    private readonly store: CancellationStore,
    ttlMs: number,
    private readonly log: Logger,
    private readonly maxInMemory = CANCELLATION_MAX_IN_MEMORY,
  ) {
    this.ttlMs = ttlMs;
  }

  /** Resolves once the entries present at start are read, so no job runs before they are known. */
  async start(): Promise<void> {
    const kv = await startupRequest(`open KV bucket ${CANCELLED_BUCKET}`, () => this.store.kv(), this.log);
    let initialise!: () => void;
    const initialised = new Promise<void>((r) => (initialise = r));
    this.done = this.run(kv, initialise);
    await initialised;
  }

  /** The open request of the job whose bucket key is `key`, if one is held here. */
  get(key: string, now = Date.now()): JobCancellation | undefined {
    this.expire(now);
    const held = this.kept.get(key);
    if (held && held.expiresAt <= now) {
      this.kept.delete(key);
      return undefined;
    }
    return held?.request;
  }

  /** True while every open request of the bucket is held here, so a job not found has none. */
  complete(now = Date.now()): boolean {
    return now >= this.incompleteUntil;
  }

  /** Open requests held in memory (at most `maxInMemory`). */
  get size(): number {
    return this.kept.size;
  }

  /** Calls `fn` once if the job whose bucket key is `key` gets cancelled; returns the unsubscribe. */
  onCancel(key: string, fn: (request: JobCancellation) => void): () => void {
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0 && this.listeners.get(key) === set) this.listeners.delete(key);
    };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.watcher?.stop();
    await this.done;
  }

  /** Watches until stopped, watching again after a failure (the watch is an ordered consumer). */
  private async run(kv: KV, initialise: () => void): Promise<void> {
    while (!this.stopping) {
      try {
        const status = await kv.status();
        // The bucket's own TTL (ms) is what expires entries; 0 would mean none was set.
        if (status.ttl > 0) this.ttlMs = status.ttl;
        const iter = await kv.watch({ key: '>' });
        this.watcher = iter;
        // An empty bucket sends no initial entries; otherwise the last initial one has delta 0.
        if (status.values === 0) initialise();
        for await (const e of iter) {
          this.apply(e);
          if (!e.delta) initialise();
        }
      } catch (err) {
        if (!this.stopping) this.log.warn({ err, bucket: CANCELLED_BUCKET }, 'cancellation watch failed');
      }
      // Never hold jobs back for a watch that cannot start: they are checked again while running.
      initialise();
      if (!this.stopping) await new Promise((r) => setTimeout(r, REWATCH_DELAY_MS));
    }
  }

  private apply(e: KvWatchEntry): void {
    const request = readCancellation(e);
    // Deleted first, so a key written again moves to the end and the map stays in expiry order.
    this.kept.delete(e.key);
    if (request?.state === 'requested') {
      const { jobId, state, requestedAt } = request;
      const expiresAt = e.created.getTime() + this.ttlMs;
      this.kept.set(e.key, { request: { jobId, state, requestedAt }, expiresAt });
      this.expire(Date.now());
      if (this.kept.size > this.maxInMemory) this.evictOldest();
    }
    if (!request) return;
    const set = this.listeners.get(e.key);
    if (set) for (const fn of [...set]) fn(request);
  }

  /** Drops the requests the bucket has expired; they come first, so this stops at the first live one. */
  private expire(now: number): void {
    for (const [key, held] of this.kept) {
      if (held.expiresAt > now) return;
      this.kept.delete(key);
    }
  }

  private evictOldest(): void {
    const [key, held] = this.kept.entries().next().value!;
    this.kept.delete(key);
    this.incompleteUntil = Math.max(this.incompleteUntil, held.expiresAt);
  }
}
