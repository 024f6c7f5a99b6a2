import { createHash } from 'node:crypto';
import { type JetStreamClient } from '@nats-io/jetstream';
import { type KV } from '@nats-io/kv';
import { type Logger } from 'pino';
import { openOrCreateKv } from '../connection/kv-bucket';

/** The KV bucket of one handler's completed job keys. */
export const completedJobsBucket = (durable: string): string =>
  `JETBUS_DONE_${durable.replace(/[^-_a-zA-Z0-9]/g, '_')}`;

const encoder = new TextEncoder();

/**
 * Effectively-once handlers (`idempotency`): the keys of jobs whose handler completed, kept for
 * `ttl`, written before the ack. A redelivery after a lost ack, a replay or a publisher's retry of a
 * completed job is then acked without running the handler again. Keys are hashed (SHA-256) so any
 * id fits the bucket's key alphabet.
 */
export class CompletedJobs {
  private kv?: Promise<KV>;

  constructor(
    private readonly js: JetStreamClient,
    readonly bucket: string,
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {}

  /** Whether `id` completed within the TTL. Throws when the bucket cannot be read: the job is retried. */
  async has(id: string): Promise<boolean> {
    const entry = await (await this.open()).get(hash(id));
    return !!entry && entry.operation === 'PUT';
  }

  /** Records `id` as completed; a failure is logged (the job is still acked: it did complete). */
  async add(id: string): Promise<void> {
    try {
      await (await this.open()).put(hash(id), encoder.encode(new Date().toISOString()));
    } catch (e) {
      this.log.warn(
        { err: e, bucket: this.bucket },
        'could not record a completed job; a redelivery may run it again',
      );
    }
  }

  private open(): Promise<KV> {
    if (!this.kv) {
      this.kv = openOrCreateKv(this.js, this.bucket, { history: 1, ttl: this.ttlMs });
      this.kv.catch(() => (this.kv = undefined));
    }
    return this.kv;
  }
}

const hash = (id: string): string => createHash('sha256').update(id).digest('hex');
