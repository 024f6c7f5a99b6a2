import { type JetStreamClient } from '@nats-io/jetstream';
import { type KV } from '@nats-io/kv';
import { JetStreamApiCode, jetStreamApiCode } from '../connection/jetstream-api-errors';
import { openOrCreateKv } from '../connection/kv-bucket';
import { OpenOnce } from '../connection/open-once';
import { scheduleOutcomesBucket } from './scheduling-names';

/** A scheduled job ends one way: released to its subject, or cancelled before that. */
export type ScheduleOutcome = 'released' | 'cancelled';

/**
 * How long a job's outcome is remembered once decided. A cancel within it learns the job was
 * released; a job cancelled by a call that died before deleting the entry stays cancelled if it is
 * due within it (jetbus deletes such entries when it meets them; see the README).
 */
export const OUTCOME_TTL_MS = 7 * 24 * 3_600_000;

const decoder = new TextDecoder();

/**
 * The one arbiter between release and cancel: a KV key per job, created by whichever comes first
 * (`kv.create` is a compare-and-set on "no value yet"). The loser reads the winner's outcome, so a
 * job is never both released and cancelled, and `cancel` reports which happened.
 */
export class ScheduleOutcomes {
  private readonly bucket: OpenOnce<KV>;
  private readonly name: string;

  constructor(js: JetStreamClient, stream: string) {
    this.bucket = new OpenOnce((name) => openOrCreateKv(js, name, { ttl: OUTCOME_TTL_MS, history: 1 }));
    this.name = scheduleOutcomesBucket(stream);
  }

  /** Records `outcome` for `jobId` unless one is recorded; resolves with the outcome that holds. */
  async decide(jobId: string, outcome: ScheduleOutcome): Promise<{ outcome: ScheduleOutcome; won: boolean }> {
    const kv = await this.bucket.get(this.name);
    try {
      await kv.create(jobId, outcome);
      return { outcome, won: true };
    } catch (e) {
      if (jetStreamApiCode(e) !== JetStreamApiCode.StreamWrongLastSequence) throw e;
    }
    const held = await this.get(jobId);
    // Expired between the two calls: nothing holds, so the caller's outcome may be tried again.
    if (!held) return this.decide(jobId, outcome);
    return { outcome: held, won: false };
  }

  /** The outcome recorded for `jobId`, if any. */
  async get(jobId: string): Promise<ScheduleOutcome | undefined> {
    const kv = await this.bucket.get(this.name);
    const entry = await kv.get(jobId);
    if (!entry || entry.operation !== 'PUT') return undefined;
    const value = decoder.decode(entry.value);
    return value === 'released' || value === 'cancelled' ? value : undefined;
  }
}
