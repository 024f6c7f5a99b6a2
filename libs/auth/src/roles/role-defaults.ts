/** Stream that captures JetStream advisories for the reaper. */
export const DEFAULT_ADVISORY_STREAM = 'JETBUS_ADVISORIES';
/**
 * Durable the reaper consumes one source stream's advisories with, as @jetbus/core names it: one
 * per source stream, so a service reaps only streams it works on.
 */
export const reaperDurable = (stream: string): string => `jetbus-reaper_${stream}`;
/** Subjects of the dead-letter stream (`JETBUS_DLQ`). */
export const DEFAULT_DLQ_SUBJECTS: readonly string[] = ['dlq.>'];
/** The inbox nats.js uses unless a connection sets `inboxPrefix`. */
export const DEFAULT_INBOX_PREFIX = '_INBOX';
/** Replies allowed per request when `allowResponses: true`. */
export const DEFAULT_RESPONSE_MAX = 1;
