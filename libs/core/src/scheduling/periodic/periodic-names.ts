/*
 * The wire contract of periodic jobs: tick subjects, the dedup id of a tick, the headers a tick
 * carries and the KV keys of each schedule. Written once here; @jetbus/auth grants these names.
 */

/** The work-queue stream holding the ticks of `@Periodic` methods without a `subject`. */
export const PERIODIC_STREAM = 'JETBUS_PERIODIC';

/** A tick of schedule `<name>` without a `subject` is published to `<prefix>.<name>`. */
export const PERIODIC_SUBJECT_PREFIX = 'jetbus.periodic';

/** The KV bucket of every schedule: its definition, its last published tick, its paused flag. */
export const PERIODIC_BUCKET = 'JETBUS_PERIODIC';

/** The tick a message stands for: an ISO 8601 UTC time (`2026-11-30T08:00:00.000Z`). */
export const PERIODIC_TICK_HEADER = 'Jetbus-Periodic-Tick';

/** `true` on the one tick `missed: 'run-once'` publishes at startup for ticks missed while all were down. */
export const PERIODIC_CATCH_UP_HEADER = 'Jetbus-Periodic-Catch-Up';

/** The schedule a tick belongs to. */
export const PERIODIC_NAME_HEADER = 'Jetbus-Periodic-Name';

/**
 * A schedule name is one subject token and one KV key token: letters, digits, `-` and `_`, at most
 * 64 characters.
 */
export const PERIODIC_NAME_PATTERN = /^[-_A-Za-z0-9]{1,64}$/;

/** `nightly-report` → `jetbus.periodic.nightly-report`. */
export const periodicSubject = (name: string): string => `${PERIODIC_SUBJECT_PREFIX}.${name}`;

/**
 * The tick's `Nats-Msg-Id`: every instance publishing the same tick publishes the same id, so the
 * target stream stores one within its duplicate window.
 */
export const periodicMsgId = (name: string, tick: Date): string => `cron:${name}:${tick.toISOString()}`;

/**
 * The tick's `Jetbus-Job-Id` (one subject token, as job ids are): `cron-<name>-<epoch ms>`, so a
 * handler's `idempotency` keys on the tick.
 */
export const periodicJobId = (name: string, tick: Date): string => `cron-${name}-${tick.getTime()}`;

/** KV key of a schedule's last published tick (ISO time), updated with compare-and-set. */
export const lastTickKey = (name: string): string => `last.${name}`;

/** KV key of a schedule's paused flag: present with `paused` while paused. */
export const pausedKey = (name: string): string => `paused.${name}`;

/** KV key of a schedule's definition (cron, timezone, subject, policy), written by its workers. */
export const definitionKey = (name: string): string => `def.${name}`;
