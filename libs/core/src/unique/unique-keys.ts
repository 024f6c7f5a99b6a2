import { type JetStreamClient } from '@nats-io/jetstream';
import { type KV, type KvEntry } from '@nats-io/kv';
import { JetStreamApiCode, jetStreamApiCode } from '../connection/jetstream-api-errors';
import { boundedKvKeyPart, openOrCreateKv } from '../connection/kv-bucket';
import { OpenOnce } from '../connection/open-once';
import { PublishFailedError } from '../errors';
import { UNIQUE_BUCKET } from '../wire/job-control-names';
import { type ResolvedUnique } from './unique-options';

/** What an entry of `JETBUS_UNIQUE` holds. Its expiry is its server timestamp plus `forMs`. */
interface UniqueEntryValue {
  forMs: number;
  until: 'expired' | 'completed';
}

/** Acquired: the revision of the entry now holding the key. Held: until when another job holds it. */
export type UniqueAcquire = { acquired: true; revision: number } | { acquired: false; heldUntil: Date };

const encoder = new TextEncoder();
/**
 * Each lost round means another publisher changed the key in between (took it, took it over, or
 * freed it); many in a row cannot happen without a storm of writes to one key.
 */
const MAX_ROUNDS = 16;
const decoder = new TextDecoder();

const isWrongLastSequence = (e: unknown): boolean => {
  const code = jetStreamApiCode(e);
  return (
    code === JetStreamApiCode.StreamWrongLastSequence ||
    code === JetStreamApiCode.StreamWrongLastSequenceUnknown
  );
};

/**
 * The unique keys, one KV entry each, every change a compare-and-set: `create` takes a free key,
 * `update(…, revision)` takes over an expired one, `delete(…, { previousSeq })` frees exactly the
 * entry that was acquired. Two publishers racing for one key: one write wins, the other reads the
 * winner's entry and is refused. nats-server 2.9 has no per-message TTL, so expiry is read, not
 * enforced by the server: an entry past its `for` is free for the next acquire to take over.
 */
export class UniqueKeys {
  private readonly bucket: OpenOnce<KV>;

  constructor(js: JetStreamClient) {
    this.bucket = new OpenOnce((name) => openOrCreateKv(js, name, { history: 1 }));
  }

  /** Takes `unique.key` for `unique.forMs` unless a live entry holds it. `now` is this process's clock. */
  async acquire(unique: ResolvedUnique, now = Date.now): Promise<UniqueAcquire> {
    const kv = await this.bucket.get(UNIQUE_BUCKET);
    const k = boundedKvKeyPart(unique.key);
    const value = encoder.encode(JSON.stringify({ forMs: unique.forMs, until: unique.until }));
    // Each round ends in a win, a refusal, or a lost race that the next round reads again; a
    // takeover race has one winner, so a few rounds always suffice.
    for (let round = 0; ; round++) {
      if (round > MAX_ROUNDS) {
        throw new PublishFailedError(
          `$KV.${UNIQUE_BUCKET}.${k}`,
          `unique key still contended after ${MAX_ROUNDS} rounds`,
        );
      }
      try {
        // create() also takes a deleted key (nats.js retries as an update on the tombstone).
        return { acquired: true, revision: await kv.create(k, value) };
      } catch (e) {
        if (!isWrongLastSequence(e)) throw e;
      }
      const held = await kv.get(k);
      if (!held || held.operation !== 'PUT') continue;
      const until = expiresAt(held);
      if (until > now()) return { acquired: false, heldUntil: new Date(until) };
      try {
        return { acquired: true, revision: await kv.update(k, value, held.revision) };
      } catch (e) {
        if (!isWrongLastSequence(e)) throw e;
      }
    }
  }

  /**
   * Frees the key if its entry is still `revision` (a compare-and-delete); resolves false when it
   * was taken over or freed since, which leaves the newer holder alone. `key` comes from the job's
   * header, which a raw client may have made any length: `boundedKvKeyPart` keeps the subject of the
   * delete within a protocol line (the same key `acquire` wrote for any key it accepts).
   */
  async release(key: string, revision: number): Promise<boolean> {
    const kv = await this.bucket.get(UNIQUE_BUCKET);
    try {
      await kv.delete(boundedKvKeyPart(key), { previousSeq: revision });
      return true;
    } catch (e) {
      if (isWrongLastSequence(e)) return false;
      throw e;
    }
  }
}

/** Epoch ms when an entry stops holding: its server timestamp plus its `forMs`. */
function expiresAt(entry: KvEntry): number {
  try {
    const v = JSON.parse(decoder.decode(entry.value)) as Partial<UniqueEntryValue>;
    if (typeof v.forMs === 'number') return entry.created.getTime() + v.forMs;
  } catch {
    // Not written by jetbus: treated as expired, so a stray value cannot lock a key forever.
  }
  return 0;
}
