/*
 * Names @jetbus/core uses for periodic jobs, as the periodic roles grant them
 * (periodic-names.spec.ts holds these copies to @jetbus/core's).
 */

/** The tick stream of `@Periodic` methods without a `subject` (@jetbus/core's `PERIODIC_STREAM`). */
export const PERIODIC_STREAM = 'JETBUS_PERIODIC';

/** A tick of schedule `<name>` without a `subject` goes to `jetbus.periodic.<name>`. */
export const PERIODIC_SUBJECT_PREFIX = 'jetbus.periodic';

/** The KV bucket of schedules: definition, last tick, paused flag (@jetbus/core's `PERIODIC_BUCKET`). */
export const PERIODIC_BUCKET = 'JETBUS_PERIODIC';

/** @jetbus/core's `periodicSubject`. */
export const periodicSubject = (name: string): string => `${PERIODIC_SUBJECT_PREFIX}.${name}`;
