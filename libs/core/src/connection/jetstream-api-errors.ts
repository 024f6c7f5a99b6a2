import { JetStreamApiCodes } from '@nats-io/jetstream';
import { errorCauses } from '../wire/auth-errors';

/**
 * The JetStream API error codes (`err_code`) jetbus tells apart. nats.js names a few
 * (`JetStreamApiCodes`); the others are from nats-server's `errors.json`, checked on 2.9.10.
 */
export const JetStreamApiCode = {
  ...JetStreamApiCodes,
  /** Deleting a sequence that was already deleted. */
  SequenceNotFound: 10043,
  /** Deleting a sequence past the last one. */
  StoreEof: 10057,
  /** "JetStream system temporarily unavailable": a cluster without a meta leader, for now. */
  TemporarilyUnavailable: 10008,
} as const;

/**
 * The JetStream API error code nats.js attached, if any: the one way jetbus recognises JetStream
 * API errors (never by message text). Duck-typed because nats.js has a subclass per code and
 * Jest's vm gives errors another realm. API codes are five digits; a status code (404, 408) is not one.
 */
export function jetStreamApiCode(e: unknown): number | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'number' && code >= 10_000 ? code : undefined;
}

/** 10059: no such stream (and, for `streams.find`, no stream captures the subject). */
export const isStreamNotFound = (e: unknown): boolean =>
  jetStreamApiCode(e) === JetStreamApiCode.StreamNotFound;

export const isConsumerNotFound = (e: unknown): boolean =>
  jetStreamApiCode(e) === JetStreamApiCode.ConsumerNotFound;

/** The message is not stored: 10037 "no message found" (get), 10043 / 10057 (delete). */
export const isMessageGone = (e: unknown): boolean => {
  const code = jetStreamApiCode(e);
  return (
    code === JetStreamApiCode.NoMessageFound ||
    code === JetStreamApiCode.SequenceNotFound ||
    code === JetStreamApiCode.StoreEof
  );
};

/**
 * JetStream is there but cannot answer yet: a request nobody replied to (a cluster electing its meta
 * or stream leader sends nothing back; the client times out) or 10008 "temporarily unavailable".
 * Worth waiting for, unlike "no responders" (no JetStream at all) or a refusal.
 */
export const isJetStreamElecting = (e: unknown): boolean =>
  (e instanceof Error && e.name === 'TimeoutError') ||
  jetStreamApiCode(e) === JetStreamApiCode.TemporarilyUnavailable;

/**
 * "No responders": nobody listens on the subject. For a JetStream API request that means JetStream is
 * off for the account; for a publish or a direct get it also means no server of the stream is up, which
 * in a cluster may be an election or a node restarting. nats.js wraps it (`JetStreamNotEnabled` around
 * a `RequestError` around `NoResponders`), so the chain of causes is searched by name.
 */
export const isNoResponders = (e: unknown): boolean => {
  for (const c of errorCauses(e)) if (c.name === 'NoResponders') return true;
  return false;
};

/**
 * JetStream answered with an API error that is its decision (a bad config, a limit, a conflict), not
 * "temporarily unavailable": sending the same request again gets the same answer.
 */
export const isJetStreamRefusal = (e: unknown): boolean =>
  jetStreamApiCode(e) !== undefined && !isJetStreamElecting(e);
