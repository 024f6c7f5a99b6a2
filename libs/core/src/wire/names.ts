/*
 * Names of the streams, buckets and durables @jetbus/core creates. @jetbus/auth grants permissions
 * on exactly these names, so they are written once here and both packages import them.
 */

import { createHash } from 'node:crypto';

/** A name part usable in a bucket (and so a stream) name: anything but `[-_a-zA-Z0-9]` becomes `_`. */
export const bucketNamePart = (s: string): string => s.replace(/[^-_a-zA-Z0-9]/g, '_');

/** Where the reaper finds max-deliveries advisories. */
export const ADVISORY_STREAM = 'JETBUS_ADVISORIES';

/**
 * The reaper durable for one source stream, shared by every process whose handlers consume that
 * stream: each advisory is handled once, by a process that has permission on the stream.
 */
export const reaperDurable = (stream: string): string => `jetbus-reaper_${stream}`;

/** Name of the DLQ stream when none is configured (`deadLetter.stream`). */
export const DEAD_LETTER_DEFAULT_STREAM = 'JETBUS_DLQ';

/** Dead letters of a job on `orders.created` go to `dlq.orders.created` (`deadLetter.subjectPrefix`). */
export const DEAD_LETTER_DEFAULT_SUBJECT_PREFIX = 'dlq';

/** The KV bucket recording which source messages the reaper already dead-lettered into `dlqStream`. */
export const deadLetterMarksBucket = (dlqStream: string): string => `${dlqStream}_MARKS`;

/** What every payload bucket of `dlqStream` starts with. */
export const deadLetterPayloadBucketPrefix = (dlqStream: string): string => `${dlqStream}_PAYLOADS_`;

/**
 * The object store bucket that keeps payloads too large for a dead letter of `dlqStream`, one per
 * source stream: least-privilege roles can then grant a service its own streams' bucket only, so
 * no service can replace another's payload (which an operator might later replay).
 */
export const deadLetterPayloadBucket = (dlqStream: string, sourceStream: string): string =>
  `${deadLetterPayloadBucketPrefix(dlqStream)}${bucketNamePart(sourceStream)}`;

/** The KV bucket where jetbus records how deliveries of retried or suspect jobs ended. */
export const ATTEMPT_LEDGER_BUCKET = 'JETBUS_ATTEMPTS';

/**
 * The KV bucket of `rateLimit`: one entry per consumer and limit key, `<stream>.<durable>.<key>`
 * (each a `kvKeyPart`), holding the start times of the key's last admissions (a sliding log).
 */
export const RATE_LIMIT_BUCKET = 'JETBUS_RATE';

/** The KV bucket of one handler's completed job keys (`idempotency`). */
export const completedJobsBucket = (durable: string): string => `JETBUS_DONE_${bucketNamePart(durable)}`;

/** A KV key token: anything but `[-_a-zA-Z0-9]` hex-escaped as `=xx` (keys allow `[-/_=.a-zA-Z0-9]`). */
export const kvKeyPart = (s: string): string =>
  s.replace(/[^-_a-zA-Z0-9]/g, (c) => `=${c.codePointAt(0)!.toString(16).padStart(2, '0')}`);

/**
 * The longest key token `boundedKvKeyPart` writes as is: what the longest unique key a publish
 * accepts (256 UTF-16 units, each escaped to at most `=xxxx`) becomes, so no key jetbus's own API
 * takes is ever hashed. A KV key is a subject, and a subject travels in one protocol line: the
 * server closes the connection of a client whose line passes 4 KiB (`max_control_line`), so a key
 * copied from a job's header (a 10 KB `Jetbus-Job-Id` from a raw client) must not reach it.
 */
export const KV_KEY_TOKEN_MAX = 1_280;

/**
 * `kvKeyPart`, except that a token longer than `max` becomes `=h<sha256 hex of the input>`, which no
 * escaped token can be (`kvKeyPart` writes `=` only before hex digits). Same input, same key, so a
 * long id still names one entry.
 */
export function boundedKvKeyPart(s: string, max = KV_KEY_TOKEN_MAX): string {
  const token = kvKeyPart(s);
  return token.length > max ? `=h${createHash('sha256').update(s).digest('hex')}` : token;
}

/**
 * The KV bucket every running `JetbusServer` writes its heartbeat to, one key per process,
 * `<user>.<host>.<pid>.<random>` (each part a `kvKeyPart`). Its entries expire (the bucket's TTL, on
 * nats-server 2.9 the stream's `max_age`), so a process that died without a word drops out by itself.
 */
export const WORKERS_BUCKET = 'JETBUS_WORKERS';

/**
 * Where `user`'s processes write their heartbeats, as a publish subject: the first token of a
 * heartbeat key is its user, so a user's permissions can be narrowed to its own keys.
 */
export const workerHeartbeatSubject = (user: string): string => `$KV.${WORKERS_BUCKET}.${kvKeyPart(user)}.>`;

/**
 * The admin app's audit trail (who did what to which stream or message). The `admin-app` role may
 * create it and append to it, never delete, purge or change it, nor delete a message from it.
 */
export const AUDIT_STREAM = 'JETBUS_AUDIT';

/** Audit entries are published to `<prefix>.<anything>`, which the audit stream captures (`jetbus.audit.>`). */
export const AUDIT_SUBJECT_PREFIX = 'jetbus.audit';
