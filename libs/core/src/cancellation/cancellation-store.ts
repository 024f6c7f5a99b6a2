import { type JetStreamClient } from '@nats-io/jetstream';
import { type KV, type KvEntry } from '@nats-io/kv';
import { JetStreamApiCode, jetStreamApiCode } from '../connection/jetstream-api-errors';
import { boundedKvKeyPart, openOrCreateKv } from '../connection/kv-bucket';
import { OpenOnce } from '../connection/open-once';
import { PublishFailedError } from '../errors';
import { CANCELLED_BUCKET } from '../wire/job-control-names';

/** How long a cancellation (request or outcome) is kept when `cancellation.ttl` is not set. */
export const CANCELLATION_TTL_MS = 7 * 24 * 3_600_000;

/**
 * One job's cancellation as `JETBUS_CANCELLED` holds it: `requested` until a worker met the job,
 * then `cancelled` with how it ended.
 */
export interface JobCancellation {
  jobId: string;
  state: 'requested' | 'cancelled';
  /** ISO 8601, when `cancel` recorded the request. */
  requestedAt: string;
  /** ISO 8601, when a worker settled the job as cancelled. */
  settledAt?: string;
  /** `queued`: term'ed when delivered, never run; `running`: its `ctx.signal` was aborted. */
  while?: 'queued' | 'running';
  /** The handler (`Class.method`) that settled it. */
  handler?: string;
  /** True when the handler's `deadLetterCancelled` wrote a dead letter for it. */
  deadLettered?: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Rounds of `request` before it gives up: each lost one means a worker or a canceller wrote the key. */
const MAX_REQUEST_ROUNDS = 8;

/**
 * A job id as a KV key of the bucket (`orders:42` → `orders=3a42`). A job's id may come from a raw
 * client's header, of any length: a long one is hashed (`boundedKvKeyPart`), so looking it up never
 * sends a subject the server refuses with the connection.
 */
export const cancellationKey = (jobId: string): string => boundedKvKeyPart(jobId);

/**
 * Reads an entry of the bucket; undefined for a delete, a purge or a value jetbus did not write. An
 * entry speaks only for the job its key is made from: one under another key naming this job (written
 * by hand) would otherwise cancel a job nobody cancelled, and its outcome would be written over the
 * named job's own request.
 */
export function readCancellation(entry: KvEntry | null): JobCancellation | undefined {
  if (!entry || entry.operation !== 'PUT') return undefined;
  try {
    const v = JSON.parse(decoder.decode(entry.value)) as Partial<JobCancellation> | null;
    if (
      v !== null &&
      (v.state === 'requested' || v.state === 'cancelled') &&
      typeof v.jobId === 'string' &&
      typeof v.requestedAt === 'string' &&
      cancellationKey(v.jobId) === entry.key
    ) {
      return v as JobCancellation;
    }
  } catch {
    // not jetbus's
  }
  return undefined;
}

/** The `JETBUS_CANCELLED` bucket: requests written by `cancel`, outcomes written by workers. */
export class CancellationStore {
  private readonly bucket: OpenOnce<KV>;

  constructor(js: JetStreamClient, ttlMs = CANCELLATION_TTL_MS) {
    this.bucket = new OpenOnce((name) => openOrCreateKv(js, name, { ttl: ttlMs, history: 1 }));
  }

  kv(): Promise<KV> {
    return this.bucket.get(CANCELLED_BUCKET);
  }

  /**
   * Records a cancel request unless the job has one (or its outcome) already: resolves with what
   * holds, so repeating `cancel` never turns an outcome back into a request. A value under the key
   * that is not jetbus's (`readCancellation`) holds nothing: it is replaced at its revision, a
   * compare-and-set a concurrent request or outcome still wins. (Read as "nothing holds" and
   * created again, it made `cancel` loop on KV requests forever.)
   */
  async request(jobId: string, now = new Date()): Promise<JobCancellation> {
    const kv = await this.kv();
    const key = cancellationKey(jobId);
    const value: JobCancellation = { jobId, state: 'requested', requestedAt: now.toISOString() };
    const bytes = encoder.encode(JSON.stringify(value));
    for (let round = 0; round < MAX_REQUEST_ROUNDS; round++) {
      const entry = round === 0 ? null : await kv.get(key);
      const held = readCancellation(entry);
      if (held) return held;
      try {
        if (entry && entry.operation === 'PUT') await kv.update(key, bytes, entry.revision);
        else await kv.create(key, bytes);
        return value;
      } catch (e) {
        const code = jetStreamApiCode(e);
        if (
          code !== JetStreamApiCode.StreamWrongLastSequence &&
          code !== JetStreamApiCode.StreamWrongLastSequenceUnknown
        )
          throw e;
      }
    }
    throw new PublishFailedError(
      `$KV.${CANCELLED_BUCKET}.${key}`,
      `the cancellation of job "${jobId}" is still contended after ${MAX_REQUEST_ROUNDS} rounds`,
    );
  }

  /** Records how a worker settled the job (a put: the outcome replaces the request). */
  async settled(
    request: JobCancellation,
    outcome: Required<Pick<JobCancellation, 'while' | 'handler' | 'deadLettered'>>,
  ): Promise<void> {
    const kv = await this.kv();
    const value: JobCancellation = {
      ...request,
      state: 'cancelled',
      settledAt: new Date().toISOString(),
      ...outcome,
    };
    await kv.put(cancellationKey(request.jobId), encoder.encode(JSON.stringify(value)));
  }

  async get(jobId: string): Promise<JobCancellation | undefined> {
    const kv = await this.kv();
    return readCancellation(await kv.get(cancellationKey(jobId)));
  }
}
