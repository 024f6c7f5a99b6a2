import { createHash } from 'node:crypto';
import { type JetStreamClient } from '@nats-io/jetstream';
import { type KV } from '@nats-io/kv';
import { type Logger } from 'pino';
import { type MsgHdrs } from '@nats-io/transport-node';
import { defaultJobId } from '../codec/job-id';
import { openOrCreateKv } from '../connection/kv-bucket';
import { OpenOnce } from '../connection/open-once';
import { type ResolvedIdempotency } from '../handlers/job-handler.options';
import { completedJobsBucket } from '../wire/names';

export { completedJobsBucket };

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Tries of a completed-job write: one lost to a dropped connection is retried after a pause. */
const ADD_TRIES = 3;
const ADD_RETRY_MS = 500;

/**
 * A job's `idempotency` key read from its headers alone (the configured header, else the default),
 * for the paths that never decode the payload (a culprit, the reaper); undefined when the key is a
 * function of the payload.
 */
export function jobIdFromHeaders(
  idempotency: ResolvedIdempotency,
  headers: MsgHdrs | undefined,
  stream: string,
  seq: number,
): string | undefined {
  const { key } = idempotency;
  if (typeof key === 'function') return undefined;
  const custom = key && headers?.has(key) ? headers.get(key) : '';
  return custom || defaultJobId(headers, stream, seq);
}

/**
 * Effectively-once handlers (`idempotency`): the keys of jobs whose handler completed, kept for
 * `ttl`, written before the ack. A redelivery after a lost ack, a replay or a publisher's retry of a
 * completed job is then acked without running the handler again. Keys are hashed (SHA-256) so any
 * id fits the bucket's key alphabet.
 */
export class CompletedJobs {
  private readonly buckets: OpenOnce<KV>;

  constructor(
    js: JetStreamClient,
    readonly bucket: string,
    ttlMs: number,
    private readonly log: Logger,
  ) {
    this.buckets = new OpenOnce((name) => openOrCreateKv(js, name, { history: 1, ttl: ttlMs }));
  }

  /**
   * Whether `id` completed within the TTL: its key holds the time it completed, as `add` writes it.
   * A value that is no time (garbage put by hand) is no record: taken for one, the job would be
   * acked without ever running. Throws when the bucket cannot be read: the job is retried.
   */
  async has(id: string): Promise<boolean> {
    const entry = await (await this.open()).get(hash(id));
    return !!entry && entry.operation === 'PUT' && isCompletionTime(decoder.decode(entry.value));
  }

  /**
   * Records `id` as completed. A write lost to a dropped connection (a server crash) is tried again
   * after a pause, so it is more likely in place before the job comes back; a final failure is
   * logged (the job is still acked: it did complete).
   */
  async add(id: string): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        await (await this.open()).put(hash(id), encoder.encode(new Date().toISOString()));
        return;
      } catch (e) {
        if (tries >= ADD_TRIES) {
          this.log.warn(
            { err: e, bucket: this.bucket },
            'could not record a completed job; a redelivery may run it again',
          );
          return;
        }
        await new Promise((r) => setTimeout(r, ADD_RETRY_MS));
      }
    }
  }

  private open(): Promise<KV> {
    return this.buckets.get(this.bucket);
  }
}

const hash = (id: string): string => createHash('sha256').update(id).digest('hex');

/** What `add` writes: an ISO 8601 time (`2026-11-30T08:00:00.000Z`). */
export const isCompletionTime = (value: string): boolean =>
  /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(value) && !Number.isNaN(Date.parse(value));
