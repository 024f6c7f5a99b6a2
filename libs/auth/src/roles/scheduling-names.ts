/*
 * Names @jetbus/core uses for delayed jobs, as the scheduling roles grant them
 * (scheduling-names.spec.ts holds these copies to @jetbus/core's).
 */

/** The stream holding scheduled jobs (@jetbus/core's `SCHEDULED_STREAM`, the module's `scheduling.stream`). */
export const DEFAULT_SCHEDULED_STREAM = 'JETBUS_SCHEDULED';

/** A scheduled job for `orders.created` is stored as `jetbus.scheduled.<job id>.orders.created`. */
export const SCHEDULED_SUBJECT_PREFIX = 'jetbus.scheduled';

/** What a producer publishes to schedule jobs for `subject` (any job id). */
export const scheduledSubjects = (subject: string): string => `${SCHEDULED_SUBJECT_PREFIX}.*.${subject}`;

/** The release durable of one handler subject (@jetbus/core's `releaseDurable`). */
export const releaseDurable = (subject: string): string =>
  `jetbus-release_${subject
    .split('.')
    .map((t) => (t === '*' ? 'any' : t === '>' ? 'all' : t))
    .join('-')}`;

/** The KV bucket of scheduled jobs' outcomes (@jetbus/core's `scheduleOutcomesBucket`). */
export const scheduleOutcomesBucket = (stream: string): string => `${stream}_OUTCOMES`;
