import { type JetStreamClient } from '@nats-io/jetstream';
import { PeriodicNotFoundError } from '../../errors';
import { PERIODIC_NAME_PATTERN } from './periodic-names';
import { type PeriodicDefinitionRecord, PeriodicStore } from './periodic-store';
import { parseCron } from './resolve-periodic';
import { JetbusConfigError } from '../../errors';

/** A schedule as the `JETBUS_PERIODIC` bucket knows it. */
export interface PeriodicSchedule extends PeriodicDefinitionRecord {
  paused: boolean;
  /** When it was paused, while it is. */
  pausedAt: Date | undefined;
  /** The last tick published (by any instance). */
  lastTick: Date | undefined;
  /** The next tick by its cron expression, paused or not; undefined when it never fires again. */
  nextTick: Date | undefined;
}

/**
 * Every schedule a worker has declared on this account, by name: its definition (written by its
 * workers at startup), paused flag and last published tick. Empty when no worker with periodic
 * jobs ever started.
 */
export async function listPeriodic(js: JetStreamClient, now = new Date()): Promise<PeriodicSchedule[]> {
  const store = await PeriodicStore.find(js);
  if (!store) return [];
  const out: PeriodicSchedule[] = [];
  for (const name of await store.names()) {
    const def = await store.definition(name);
    if (!def) continue;
    const pausedAt = await store.pausedAt(name);
    let nextTick: Date | undefined;
    try {
      nextTick = parseCron(def.cron, def.timezone, name).nextRun(now) ?? undefined;
    } catch {
      // Written by a worker of another version; listed without a next tick.
    }
    out.push({
      ...def,
      paused: pausedAt !== undefined,
      pausedAt,
      lastTick: await store.lastTick(name),
      nextTick,
    });
  }
  return out;
}

/**
 * Pauses schedule `name`: from its next tick on, no instance publishes a tick (each reads the flag
 * at every tick) until `resumePeriodic`. Ticks while paused are skipped, not caught up. Idempotent.
 */
export async function pausePeriodic(js: JetStreamClient, name: string): Promise<void> {
  await (await knownSchedule(js, name)).setPaused(name, true);
}

/** Resumes schedule `name`: its next tick is published again. Idempotent. */
export async function resumePeriodic(js: JetStreamClient, name: string): Promise<void> {
  await (await knownSchedule(js, name)).setPaused(name, false);
}

async function knownSchedule(js: JetStreamClient, name: string): Promise<PeriodicStore> {
  if (typeof name !== 'string' || !PERIODIC_NAME_PATTERN.test(name)) {
    throw new JetbusConfigError(
      'name',
      `must be a schedule name of letters, digits, - and _ (at most 64), got ${JSON.stringify(name)}`,
    );
  }
  const store = await PeriodicStore.find(js);
  if (!store || !(await store.definition(name))) throw new PeriodicNotFoundError(name);
  return store;
}
