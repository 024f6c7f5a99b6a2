import { type KV, type KvWatchEntry } from '@nats-io/kv';
import { type Logger } from 'pino';
import { CANCELLED_BUCKET } from '../wire/job-control-names';
import { type CancellationStore, type JobCancellation, readCancellation } from './cancellation-store';

/** Pause before watching again after the watch ended (server away, bucket re-created). */
const REWATCH_DELAY_MS = 1_000;

/**
 * Every cancellation in `JETBUS_CANCELLED`, mirrored into this process by one KV watch: a worker
 * learns a job is cancelled without a round trip per job. Running jobs register a listener and are
 * told the moment the request arrives. Entries the bucket expires (its TTL) leave no event; they
 * are dropped here once older than the TTL.
 */
export class CancelWatch {
  private readonly cancelled = new Map<string, { request: JobCancellation; seenAt: number }>();
  private readonly listeners = new Map<string, Set<(request: JobCancellation) => void>>();
  private stopping = false;
  private watcher?: { stop(): void };
  private done?: Promise<void>;

  constructor(
    private readonly store: CancellationStore,
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {}

  /** Resolves once the entries present at start are read, so no job runs before they are known. */
  async start(): Promise<void> {
    const kv = await this.store.kv();
    let initialise!: () => void;
    const initialised = new Promise<void>((r) => (initialise = r));
    this.done = this.run(kv, initialise);
    await initialised;
  }

  /** The cancellation of the job whose bucket key is `key`, if one is known. */
  get(key: string): JobCancellation | undefined {
    const held = this.cancelled.get(key);
    if (held && Date.now() - held.seenAt > this.ttlMs) {
      this.cancelled.delete(key);
      return undefined;
    }
    return held?.request;
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
    if (!request) {
      this.cancelled.delete(e.key);
      return;
    }
    this.cancelled.set(e.key, { request, seenAt: e.created.getTime() });
    const set = this.listeners.get(e.key);
    if (set) for (const fn of [...set]) fn(request);
  }
}
