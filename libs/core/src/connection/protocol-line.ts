/**
 * nats-server's `max_control_line` default: the longest protocol line (`HPUB <subject> <reply>
 * <sizes>`) it reads. A client whose line is longer gets `-ERR 'Maximum Control Line Exceeded'` and
 * its connection closed, every subscription and pending request of the process with it.
 */
export const MAX_CONTROL_LINE = 4_096;

/**
 * The longest subject (UTF-8 bytes) jetbus publishes to with a reply: the line's verb, reply subject
 * (an inbox, whatever its prefix) and sizes get the other 256 bytes. A subject copied from a message
 * (a replayed dead letter's, a scheduled job's target) can come from a raw client, which may send
 * one up to the whole line without a reply, so it is checked before the publish.
 */
export const PUBLISH_SUBJECT_MAX = MAX_CONTROL_LINE - 256;

/** Whether a publish with a reply to `subject` fits in one protocol line. */
export const fitsProtocolLine = (subject: string): boolean =>
  Buffer.byteLength(subject, 'utf8') <= PUBLISH_SUBJECT_MAX;
