import { type JetStreamClient } from '@nats-io/jetstream';
import { type KV, type KvEntry } from '@nats-io/kv';
import { JetStreamApiCode, isMessageGone, jetStreamApiCode } from '../connection/jetstream-api-errors';
import { boundedKvKeyPart, openOrCreateKv } from '../connection/kv-bucket';
import { PublishFailedError } from '../errors';
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
 * Rounds of `decide` before it gives up: each lost round means another process wrote the key in
 * between, and a release and a cancel are all that ever write it.
 */
const MAX_DECIDE_ROUNDS = 8;

/**
 * The job's key in the bucket. A job id is a subject token, which a raw client may fill with
 * characters a KV key refuses (`bad$id`) or make thousands long: escaped and bounded
 * (`boundedKvKeyPart`; a valid job id is its own key), so such a job is released like any other
 * instead of failing its release forever.
 */
const outcomeKey = (jobId: string): string => boundedKvKeyPart(jobId);

/**
 * The key of one scheduled entry's outcome, `<job key>.<scheduling stream seq>`. A job id can be
 * scheduled again once its job was released or cancelled, and the new entry must be decided on its
 * own: with one key per job id, the first job's outcome decided every later one (a job scheduled
 * again after a cancel was dropped at its due time although its publish had its PubAck, and a
 * cancel of one scheduled again after a release reported `released` and did not cancel it).
 */
const entryKey = (jobId: string, seq: number): string => `${outcomeKey(jobId)}.${seq}`;

const readValue = (value: string): ScheduleOutcome | undefined =>
  value === 'released' || value === 'cancelled' ? value : undefined;

const readOutcome = (entry: KvEntry | null): ScheduleOutcome | undefined =>
  entry && entry.operation === 'PUT' ? readValue(decoder.decode(entry.value)) : undefined;

/**
 * The one arbiter between release and cancel: a KV key per job, created by whichever comes first
 * (`kv.create` is a compare-and-set on "no value yet"). The loser reads the winner's outcome, so a
 * job is never both released and cancelled, and `cancel` reports which happened.
 */
export class ScheduleOutcomes {
  private readonly bucket: OpenOnce<KV>;
  private readonly name: string;

  constructor(
    private readonly js: JetStreamClient,
    stream: string,
  ) {
    this.bucket = new OpenOnce((name) => openOrCreateKv(js, name, { ttl: OUTCOME_TTL_MS, history: 1 }));
    this.name = scheduleOutcomesBucket(stream);
  }

  /**
   * Records `outcome` for the scheduling-stream entry `seq` of `jobId` unless one is recorded;
   * resolves with the outcome that holds. A value jetbus did not write (garbage put by hand) decides
   * nothing: it is replaced at its revision, a compare-and-set that a concurrent release or cancel
   * still wins. An outcome under the job id alone (written by jetbus before outcomes were kept per
   * entry) holds for the entries stored before it was written, `storedAt` being this entry's time.
   */
  async decide(
    jobId: string,
    outcome: ScheduleOutcome,
    entry: { seq: number; storedAt: Date },
  ): Promise<{ outcome: ScheduleOutcome; won: boolean }> {
    const kv = await this.bucket.get(this.name);
    const legacy = await kv.get(outcomeKey(jobId));
    const legacyOutcome = readOutcome(legacy);
    if (legacy && legacyOutcome && legacy.created.getTime() >= entry.storedAt.getTime()) {
      return { outcome: legacyOutcome, won: false };
    }
    const key = entryKey(jobId, entry.seq);
    for (let round = 0; round < MAX_DECIDE_ROUNDS; round++) {
      const current = round === 0 ? null : await kv.get(key);
      const held = readOutcome(current);
      if (held) return { outcome: held, won: false };
      try {
        // A missing or deleted key is created; a foreign value is taken over at its revision.
        if (current && current.operation === 'PUT') await kv.update(key, outcome, current.revision);
        else await kv.create(key, outcome);
        return { outcome, won: true };
      } catch (e) {
        if (!isLostRace(e)) throw e;
      }
    }
    throw new PublishFailedError(
      `$KV.${this.name}.${key}`,
      `the outcome of scheduled job "${jobId.slice(0, 128)}" is still contended after ${MAX_DECIDE_ROUNDS} rounds`,
    );
  }

  /** The outcome recorded last for an entry of `jobId` (or under the job id alone), if any. */
  async get(jobId: string): Promise<ScheduleOutcome | undefined> {
    const kv = await this.bucket.get(this.name);
    const jsm = await this.js.jetstreamManager();
    const last = await jsm.streams
      .getMessage(`KV_${this.name}`, { last_by_subj: `$KV.${this.name}.${outcomeKey(jobId)}.*` })
      .catch((e: unknown) => {
        if (isMessageGone(e)) return null;
        throw e;
      });
    const operation = last?.header?.get('KV-Operation');
    const perEntry = last && !operation ? readValue(last.string()) : undefined;
    return perEntry ?? readOutcome(await kv.get(outcomeKey(jobId)));
  }
}

/** 10071: the key was written since it was read (or `create` found one). */
const isLostRace = (e: unknown): boolean => {
  const code = jetStreamApiCode(e);
  return (
    code === JetStreamApiCode.StreamWrongLastSequence ||
    code === JetStreamApiCode.StreamWrongLastSequenceUnknown
  );
};
