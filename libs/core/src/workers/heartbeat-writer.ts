import { type JetStreamClient } from '@nats-io/jetstream';
import { type KV } from '@nats-io/kv';
import { type Logger } from 'pino';
import { openOrCreateKv } from '../connection/kv-bucket';
import { PermissionDeniedError } from '../errors';
import { HEARTBEAT_TTL_INTERVALS, WORKERS_BUCKET } from './workers-bucket';
import { type HandlerHeartbeat, type WorkerHeartbeat } from './worker-heartbeat';

/** A process's heartbeat without what changes per beat. */
export type WorkerIdentity = Omit<WorkerHeartbeat, 'at' | 'handlers'>;

/** At most one warning per this period while writes keep failing (a server away for an hour). */
const WARN_EVERY_MS = 60_000;
/** How long shutdown waits for the key's delete: a server that is gone must not hold up the exit. */
const DELETE_TIMEOUT_MS = 2_000;

const encoder = new TextEncoder();

/** A refusal by the server's authorization, wherever nats.js put it in the chain of causes. */
function isPermissionRefusal(e: unknown): e is PermissionDeniedError {
  for (let cause = e, depth = 0; cause && depth < 4; depth++) {
    if (cause instanceof PermissionDeniedError) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Writes one process's heartbeat to the `JETBUS_WORKERS` bucket every `intervalMs`, on a timer of
 * its own: no job ever waits for it or fails because of it. The bucket is created when missing
 * (history 1, TTL 3 intervals), so a process killed with `kill -9` drops out by itself. A failed
 * write is logged at most once a minute and tried again at the next tick, with the bucket looked up
 * again (it may have been deleted); a permission refusal is logged once and ends the heartbeats, since
 * every later write would be refused too, each with a warning from the connection. `stop()` deletes
 * the key.
 */
export class HeartbeatWriter {
  private timer?: NodeJS.Timeout;
  private kv?: Promise<KV>;
  /** The bucket of the last write that succeeded: where `stop()` deletes the key. */
  private written?: KV;
  private writing?: Promise<void>;
  private stopped = false;
  private lastWarnAt = Number.NEGATIVE_INFINITY;
  private failuresSinceWarn = 0;

  constructor(
    private readonly js: JetStreamClient,
    private readonly identity: WorkerIdentity,
    private readonly handlers: () => HandlerHeartbeat[],
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  /** Writes the first heartbeat now (in the background), then one every interval. */
  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs).unref();
    this.tick();
  }

  /** Stops beating, waits for a write in progress, then deletes the key (bounded). Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    await this.writing;
    const kv = this.written;
    if (!kv) return;
    let timer: NodeJS.Timeout | undefined;
    const deleted = kv.delete(this.identity.id);
    const outcome = await Promise.race([
      deleted.then(() => 'deleted' as const),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, DELETE_TIMEOUT_MS, 'timeout'))),
    ]).catch((e: unknown) => e);
    clearTimeout(timer);
    deleted.catch(() => undefined);
    if (outcome !== 'deleted') {
      // It expires with the bucket's TTL all the same.
      this.log.debug({ err: outcome, key: this.identity.id }, 'could not delete worker heartbeat');
    }
  }

  /** One write at a time: a tick that finds the last one still running skips its turn. */
  private tick(): void {
    if (this.writing || this.stopped) return;
    this.writing = this.write().finally(() => (this.writing = undefined));
  }

  private async write(): Promise<void> {
    const heartbeat: WorkerHeartbeat = {
      ...this.identity,
      at: new Date().toISOString(),
      handlers: this.handlers(),
    };
    try {
      this.kv ??= openOrCreateKv(this.js, WORKERS_BUCKET, {
        history: 1,
        ttl: HEARTBEAT_TTL_INTERVALS * this.intervalMs,
      });
      const kv = await this.kv;
      await kv.put(this.identity.id, encoder.encode(JSON.stringify(heartbeat)));
      this.written = kv;
      if (this.lastWarnAt !== Number.NEGATIVE_INFINITY) {
        this.log.info({ bucket: WORKERS_BUCKET, key: this.identity.id }, 'worker heartbeat written again');
        this.failuresSinceWarn = 0;
        this.lastWarnAt = Number.NEGATIVE_INFINITY;
      }
    } catch (e) {
      this.kv = undefined;
      this.failed(e);
    }
  }

  private failed(e: unknown): void {
    const at = { bucket: WORKERS_BUCKET, key: this.identity.id };
    if (isPermissionRefusal(e)) {
      this.stopped = true;
      clearInterval(this.timer);
      this.log.warn(
        { ...at, user: e.user, subject: e.subject },
        `worker heartbeats off: user ${e.user ?? '(unknown)'} may not write them (${e.message}); ` +
          `grant it $KV.${WORKERS_BUCKET}.<user>.> (jetbus auth worker and service roles do)`,
      );
      return;
    }
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_EVERY_MS) {
      this.failuresSinceWarn++;
      return;
    }
    this.log.warn(
      { ...at, err: e, failedSinceLastWarning: this.failuresSinceWarn },
      'could not write worker heartbeat; trying again every interval',
    );
    this.lastWarnAt = now;
    this.failuresSinceWarn = 0;
  }
}
