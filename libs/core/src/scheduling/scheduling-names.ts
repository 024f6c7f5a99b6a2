/*
 * The wire contract of delayed jobs: any NATS client, in any language, schedules a job by publishing
 * to `jetbus.scheduled.<job id>.<subject>` with a `Jetbus-Deliver-At` header, and jetbus workers
 * release it to `<subject>` when it is due. Written once here; @jetbus/auth grants these names.
 */

/** The stream that holds scheduled jobs until their release (`scheduling.stream`). */
export const SCHEDULED_STREAM = 'JETBUS_SCHEDULED';

/** Every scheduled job is stored under this prefix; the stream captures `<prefix>.>`. */
export const SCHEDULED_SUBJECT_PREFIX = 'jetbus.scheduled';

/** When the job is due: an ISO 8601 UTC time (`2026-11-30T08:00:00.000Z`) or epoch milliseconds. */
export const DELIVER_AT_HEADER = 'Jetbus-Deliver-At';

/**
 * A job id is one subject token (it is part of the entry's subject) and one KV key: letters, digits,
 * `-` and `_`, at most 128 characters.
 */
export const JOB_ID_PATTERN = /^[-_A-Za-z0-9]{1,128}$/;

/** `orders.created`, job `j1` → `jetbus.scheduled.j1.orders.created`. */
export const scheduledSubject = (jobId: string, subject: string): string =>
  `${SCHEDULED_SUBJECT_PREFIX}.${jobId}.${subject}`;

/** The entries of jobs for `subject` (a subject or a wildcard filter), whatever their id. */
export const scheduledFilter = (subject = '>'): string => `${SCHEDULED_SUBJECT_PREFIX}.*.${subject}`;

/** The entry of job `jobId`, whatever its subject. */
export const scheduledJobFilter = (jobId: string): string => `${SCHEDULED_SUBJECT_PREFIX}.${jobId}.>`;

/** `jetbus.scheduled.j1.orders.created` → `{ jobId: 'j1', subject: 'orders.created' }`, else undefined. */
export function parseScheduledSubject(entrySubject: string): { jobId: string; subject: string } | undefined {
  const prefix = `${SCHEDULED_SUBJECT_PREFIX}.`;
  if (!entrySubject.startsWith(prefix)) return undefined;
  const rest = entrySubject.slice(prefix.length);
  const dot = rest.indexOf('.');
  if (dot <= 0 || dot === rest.length - 1) return undefined;
  return { jobId: rest.slice(0, dot), subject: rest.slice(dot + 1) };
}

/**
 * The release durable of one handler subject, on the scheduling stream: shared by every process
 * (of any service) with a handler on that subject, so each due job is released by one of them.
 * `orders.created` → `jetbus-release_orders-created`; `*` → `any`, `>` → `all`.
 */
export const releaseDurable = (subject: string): string =>
  `jetbus-release_${subject
    .split('.')
    .map((t) => (t === '*' ? 'any' : t === '>' ? 'all' : t))
    .join('-')}`;

/**
 * The release's `Nats-Msg-Id`, `jetbus-release:<job id>:<scheduling stream seq>`: a release of one
 * entry retried after a crash or by a second releaser is stored once by the target stream, within
 * its duplicate window, while a job scheduled again under the same id (a new entry) is a new
 * message (with the id alone, the target stream dropped it as a duplicate of the first release).
 */
export const releaseMsgId = (jobId: string, seq: number): string => `jetbus-release:${jobId}:${seq}`;

/**
 * The KV bucket deciding each scheduled job's one outcome (`released` or `cancelled`): whoever
 * creates the job's key first wins, so a job is never both released and cancelled.
 */
export const scheduleOutcomesBucket = (stream: string): string => `${stream}_OUTCOMES`;
