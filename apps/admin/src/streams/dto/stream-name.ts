/**
 * What nats-server accepts as a stream name: no whitespace, no `.`, `*` or `>` (the name becomes a
 * subject token of the JetStream API), no path separators (it becomes a directory on disk).
 */
export const STREAM_NAME = /^[^\s.*>/\\]{1,255}$/;

export const STREAM_NAME_MESSAGE =
  'name must be 1-255 characters without whitespace, ".", "*", ">", "/" or "\\"';

/** A subject or subject filter: non-empty tokens, no whitespace. */
export const SUBJECT = /^[^\s.]+(\.[^\s.]+)*$/;

export const SUBJECT_MESSAGE = 'must be a subject (dot-separated tokens, no whitespace)';

/**
 * A stream subject that captures nothing of NATS's own: not a system subject (`$JS.API.…`, `$KV.…`,
 * `$O.…`, `$SYS.…`: any first token starting with `$`), not replies (`_INBOX…`, custom inbox
 * prefixes included), not everything (`>`). The server refuses only the JetStream API; a stream on
 * the rest would store other clients' replies or shadow jetbus's own buckets.
 */
export const STREAM_SUBJECT = /^(?!\$|_INBOX|>$)/;

export const STREAM_SUBJECT_MESSAGE =
  'must not capture system subjects ($…), reply inboxes (_INBOX…) or every subject (>)';

/**
 * No control characters (C0, DEL, C1) and no invisible formatting ones (bidi overrides, zero-width
 * marks): nats-server accepts them in names and subjects, where they would make one stream look
 * like another in a terminal or a log (`ORDERS\u202e` shown reversed), or hide a character. The app
 * creates no such names; existing ones are still read and deleted by the name as it is.
 */
export const PRINTABLE = /^[^\p{Cc}\p{Cf}]*$/u;

export const PRINTABLE_MESSAGE = 'must not contain control or invisible formatting characters';
