/** Stream that captures JetStream advisories for the reaper. */
export const DEFAULT_ADVISORY_STREAM = 'JETBUS_ADVISORIES';
/** Durable the reaper consumes the advisory stream with. */
export const DEFAULT_REAPER_DURABLE = 'jetbus-reaper';
/** Subjects of the dead-letter stream (`JETBUS_DLQ`). */
export const DEFAULT_DLQ_SUBJECTS: readonly string[] = ['dlq.>'];
/** The inbox nats.js uses unless a connection sets `inboxPrefix`. */
export const DEFAULT_INBOX_PREFIX = '_INBOX';
/** Replies allowed per request when `allowResponses: true`. */
export const DEFAULT_RESPONSE_MAX = 1;
