import { createHash } from 'node:crypto';
import { type JetStreamClient } from '@nats-io/jetstream';
import { type KV } from '@nats-io/kv';
import { JetStreamApiCode, jetStreamApiCode } from '../connection/jetstream-api-errors';
import { kvKeyPart, openOrCreateKv } from '../connection/kv-bucket';
import { OpenOnce } from '../connection/open-once';
import { RATE_LIMIT_BUCKET } from '../wire/names';
import { RATE_LIMIT_PER_MAX_MS } from './rate-limit.options';
import { LOG_FUTURE_MAX_MS, type SlidingLogLimit, appendAdmission, decodeLog, nextSlot } from './sliding-log';

/**
 * An entry is rewritten at every admission and holds nothing older than `per` (at most 24h) plus
 * the guard and a reservation (at most `HOLD_MAX_MS` ahead): once it has not been written for this
 * long it cannot hold anything back, and the bucket's `max_age` removes it.
 */
const RATE_LIMIT_TTL_MS = RATE_LIMIT_PER_MAX_MS + 3600_000;
/** A lost compare-and-set means another instance admitted a job of the key first: read again. */
const MAX_CAS_ROUNDS = 25;

/** An admission (a start time, now or reserved ahead), or how long until the key has a slot. */
export type AdmissionResult = { admittedAt: number } | { waitMs: number; contended?: true };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Longer limit keys are hashed: a KV key is a subject, which travels in every protocol line. */
const KEY_TOKEN_MAX = 128;

/**
 * The KV key of one limit key of one consumer; jobs without a key share `=`. A long key becomes
 * `=h<sha256>`, which no escaped key can be (`kvKeyPart` writes `=` only before two hex digits).
 */
export function rateLimitKey(stream: string, durable: string, key: string | undefined): string {
  let token = key ? kvKeyPart(key) : '=';
  if (token.length > KEY_TOKEN_MAX) token = `=h${createHash('sha256').update(key!).digest('hex')}`;
  return `${kvKeyPart(stream)}.${kvKeyPart(durable)}.${token}`;
}

/**
 * The sliding logs in the `JETBUS_RATE` bucket, shared by every instance. An admission is a
 * compare-and-set on the key's entry (its revision), so two instances never both take the last
 * slot: the loser reads the new log and decides again.
 */
export class RateLimitStore {
  private readonly buckets: OpenOnce<KV>;

  constructor(
    js: JetStreamClient,
    private readonly bucket = RATE_LIMIT_BUCKET,
  ) {
    this.buckets = new OpenOnce((name) => openOrCreateKv(js, name, { history: 1, ttl: RATE_LIMIT_TTL_MS }));
  }

  /**
   * Admits one start of `key` at its next slot when that is at most `reserveWithinMs` away (0: only
   * now), recording it in the log. Otherwise writes nothing and says how long until the slot.
   * Errors reaching the bucket are thrown.
   */
  async admit(key: string, limit: SlidingLogLimit, reserveWithinMs: number): Promise<AdmissionResult> {
    const kv = await this.buckets.get(this.bucket);
    for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
      const entry = await kv.get(key);
      const stored = entry && entry.operation === 'PUT' && entry.length > 0 ? entry : undefined;
      // Read after the entry: an admission recorded before it can never be later than this.
      const now = Date.now();
      const log = stored ? decodeLog(decoder.decode(stored.value), now + LOG_FUTURE_MAX_MS) : [];
      const at = nextSlot(log, now, limit);
      if (at - now > reserveWithinMs) return { waitMs: at - now };
      const value = encoder.encode(JSON.stringify(appendAdmission(log, at, limit)));
      try {
        if (stored) await kv.update(key, value, stored.revision);
        else await kv.create(key, value);
        return { admittedAt: at };
      } catch (e) {
        if (!isLostRace(e)) throw e;
        // Spread the instances that lost, so they do not collide again in lockstep.
        await new Promise((r) => setTimeout(r, Math.random() * 5));
      }
    }
    return { waitMs: 0, contended: true };
  }
}

/** 10071: the entry's revision moved since it was read (or `create` found one). */
const isLostRace = (e: unknown): boolean => {
  const code = jetStreamApiCode(e);
  return (
    code === JetStreamApiCode.StreamWrongLastSequence ||
    code === JetStreamApiCode.StreamWrongLastSequenceUnknown
  );
};
