import { type JetStreamClient } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { JetStreamApiCode, jetStreamApiCode, isStreamNotFound } from '../../connection/jetstream-api-errors';
import { openOrCreateKv } from '../../connection/kv-bucket';
import { PERIODIC_BUCKET, definitionKey, lastTickKey, pausedKey } from './periodic-names';
import { type MissedTicksPolicy, type ResolvedPeriodic } from './periodic.options';

/** What the workers of a schedule publish about it in the bucket (`def.<name>`). */
export interface PeriodicDefinitionRecord {
  name: string;
  cron: string;
  timezone: string;
  subject: string;
  overlap: boolean;
  missed: MissedTicksPolicy;
  /** `ClassName.method` of a `@Periodic`; absent for a module-declared schedule. */
  handler?: string;
  /** The service (`name` of the module) that last declared it. */
  service: string;
  /** When a worker last declared it (ISO time). */
  declaredAt: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const isCasConflict = (e: unknown): boolean =>
  jetStreamApiCode(e) === JetStreamApiCode.StreamWrongLastSequence;

/**
 * How far past a reader's clock a recorded tick may be: a tick is recorded at (or just after) its
 * time by the instance that fired it, so only clock skew between hosts puts one ahead.
 */
export const LAST_TICK_FUTURE_MAX_MS = 60_000;
/** Lost compare-and-sets of one `recordTick` before it gives up (instances race for each tick). */
const MAX_RECORD_ROUNDS = 16;

/**
 * A definition as workers write it, for schedule `name`. The bucket is writable by whoever has the
 * rights, so what `listPeriodic` shows (and `jetbus periodic list`, the admin app) is checked: a
 * value of another shape, or one naming another schedule, is not shown as this one.
 */
function isDefinition(v: unknown, name: string): v is PeriodicDefinitionRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const strings = ['cron', 'timezone', 'subject', 'missed', 'service', 'declaredAt'];
  return (
    r.name === name &&
    strings.every((k) => typeof r[k] === 'string') &&
    typeof r.overlap === 'boolean' &&
    (r.handler === undefined || typeof r.handler === 'string')
  );
}

/**
 * The `JETBUS_PERIODIC` KV bucket: per schedule its last published tick (`last.<name>`, moved
 * forward only, by compare-and-set), its paused flag (`paused.<name>`) and its definition
 * (`def.<name>`). The last tick makes a tick published once beyond the stream's duplicate window
 * and tells a starting worker which ticks were missed.
 */
export class PeriodicStore {
  private constructor(readonly kv: KV) {}

  /** Opens the bucket, creating it when missing (workers). */
  static async create(js: JetStreamClient): Promise<PeriodicStore> {
    return new PeriodicStore(await openOrCreateKv(js, PERIODIC_BUCKET, { history: 1 }));
  }

  /** Binds to the bucket (tools); undefined when no worker with periodic jobs ever created it. */
  static async find(js: JetStreamClient): Promise<PeriodicStore | undefined> {
    const jsm = await js.jetstreamManager();
    const exists = await jsm.streams.info(`KV_${PERIODIC_BUCKET}`).then(
      () => true,
      (e: unknown) => {
        if (isStreamNotFound(e)) return false;
        throw e;
      },
    );
    return exists ? new PeriodicStore(await new Kvm(js).open(PERIODIC_BUCKET)) : undefined;
  }

  /** The last tick published for `name`, if one was (and is readable). */
  async lastTick(name: string, now = Date.now()): Promise<Date | undefined> {
    return (await this.readLast(name, now))?.tick;
  }

  /**
   * The `last.<name>` entry: its revision whenever there is one, its tick only when it is a time
   * no later than `LAST_TICK_FUTURE_MAX_MS` past `now`. Anything else (a value put by hand) is no
   * tick: taken for one it would skip every tick until then, and left in place a create could never
   * replace it.
   */
  private async readLast(
    name: string,
    now = Date.now(),
  ): Promise<{ tick?: Date; revision: number } | undefined> {
    const entry = await this.kv.get(lastTickKey(name));
    if (!entry || entry.operation !== 'PUT') return undefined;
    const ms = Date.parse(decoder.decode(entry.value));
    const readable = Number.isFinite(ms) && ms <= now + LAST_TICK_FUTURE_MAX_MS;
    return readable ? { tick: new Date(ms), revision: entry.revision } : { revision: entry.revision };
  }

  /**
   * Moves `name`'s last tick forward to `tick` (a compare-and-set on the revision read, retried when
   * another instance wrote in between); never backward. Resolves false when it already held `tick`
   * or a later one.
   */
  async recordTick(name: string, tick: Date): Promise<boolean> {
    const key = lastTickKey(name);
    const value = encoder.encode(tick.toISOString());
    for (let round = 0; ; round++) {
      const last = await this.readLast(name);
      if (last?.tick && last.tick.getTime() >= tick.getTime()) return false;
      try {
        if (last) await this.kv.update(key, value, last.revision);
        else await this.kv.create(key, value);
        return true;
      } catch (e) {
        // Each lost race is another instance moving the tick; bounded all the same.
        if (!isCasConflict(e) || round >= MAX_RECORD_ROUNDS) throw e;
      }
    }
  }

  async isPaused(name: string): Promise<boolean> {
    const entry = await this.kv.get(pausedKey(name));
    return entry !== null && entry.operation === 'PUT';
  }

  /** Pauses (a `paused.<name>` entry holding when) or resumes (that entry deleted) `name`. */
  async setPaused(name: string, paused: boolean): Promise<void> {
    if (paused) await this.kv.put(pausedKey(name), encoder.encode(new Date().toISOString()));
    else await this.kv.delete(pausedKey(name));
  }

  /** When `name` was paused, if it is. */
  async pausedAt(name: string): Promise<Date | undefined> {
    const entry = await this.kv.get(pausedKey(name));
    if (!entry || entry.operation !== 'PUT') return undefined;
    const ms = Date.parse(decoder.decode(entry.value));
    return Number.isNaN(ms) ? new Date(entry.created) : new Date(ms);
  }

  /** Records what a worker runs, for `listPeriodic` (last writer wins: instances declare the same). */
  async putDefinition(s: ResolvedPeriodic, service: string): Promise<void> {
    const record: PeriodicDefinitionRecord = {
      name: s.name,
      cron: s.cron,
      timezone: s.timezone,
      subject: s.subject,
      overlap: s.overlap,
      missed: s.missed,
      ...(s.handler ? { handler: s.handler } : {}),
      service,
      declaredAt: new Date().toISOString(),
    };
    await this.kv.put(definitionKey(s.name), encoder.encode(JSON.stringify(record)));
  }

  /** `def.<name>`, when it is a definition a worker wrote for `name`; undefined otherwise. */
  async definition(name: string): Promise<PeriodicDefinitionRecord | undefined> {
    const entry = await this.kv.get(definitionKey(name));
    if (!entry || entry.operation !== 'PUT') return undefined;
    try {
      const record = JSON.parse(decoder.decode(entry.value)) as unknown;
      return isDefinition(record, name) ? record : undefined;
    } catch {
      return undefined;
    }
  }

  /** The names of every declared schedule, sorted. */
  async names(): Promise<string[]> {
    const names: string[] = [];
    for await (const key of await this.kv.keys('def.*')) names.push(key.slice('def.'.length));
    return names.sort();
  }
}
