import { type JetStreamClient } from '@nats-io/jetstream';
import { type KV, type KvEntry } from '@nats-io/kv';
import { JetStreamApiCode, jetStreamApiCode } from '../connection/jetstream-api-errors';
import { kvKeyPart, openOrCreateKv } from '../connection/kv-bucket';
import { OpenOnce } from '../connection/open-once';
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

/** A job id as a KV key of the bucket (`orders:42` → `orders=3a42`). */
export const cancellationKey = (jobId: string): string => kvKeyPart(jobId);

/** Reads an entry of the bucket; undefined for a delete, a purge or a value jetbus did not write. */
export function readCancellation(entry: KvEntry | null): JobCancellation | undefined {
  if (!entry || entry.operation !== 'PUT') return undefined;
  try {
    const v = JSON.parse(decoder.decode(entry.value)) as Partial<JobCancellation>;
    if ((v.state === 'requested' || v.state === 'cancelled') && typeof v.jobId === 'string') {
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
   * holds, so repeating `cancel` never turns an outcome back into a request.
   */
  async request(jobId: string, now = new Date()): Promise<JobCancellation> {
    const kv = await this.kv();
    const value: JobCancellation = { jobId, state: 'requested', requestedAt: now.toISOString() };
    try {
      await kv.create(cancellationKey(jobId), encoder.encode(JSON.stringify(value)));
      return value;
    } catch (e) {
      const code = jetStreamApiCode(e);
      if (code !== JetStreamApiCode.StreamWrongLastSequence) throw e;
    }
    return (await this.get(jobId)) ?? this.request(jobId, now);
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
