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
