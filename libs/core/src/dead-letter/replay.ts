import { type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { mapPublishError } from '../connection/map-publish-error';
import { fitsProtocolLine } from '../connection/protocol-line';
import {
  JetbusConfigError,
  type JetbusError,
  NoStreamForSubjectError,
  PayloadTooLargeError,
  PublishFailedError,
  ReplayConflictError,
  ReplayTargetError,
} from '../errors';
import { type Duration, parseDuration } from '../retry';
import { headerBytes } from '../codec/header-bytes';
import { JOB_ID_HEADER } from '../codec/job-id';
import { isStreamNotFound } from '../connection/jetstream-api-errors';
import { AUDIT_STREAM } from '../wire/names';
import { replayMsgId } from './dead-letter.headers';
import {
  type DeadLetterFilter,
  type ParsedDeadLetterFilter,
  matchesDeadLetterFilter,
  parseDeadLetterFilter,
} from './dead-letter-filter';
import { type DeadLetterEntry, type DeadLetterRecord } from './dead-letter-record';
import { type DeadLetterStore } from './dead-letter-store';
import { Pacer } from './replay/pacer';

/** Replays per second when `ratePerSecond` is not given. */
export const REPLAY_DEFAULT_RATE_PER_SECOND = 100;
/** How long a replay waits for each PubAck when `timeout` is not given. */
export const REPLAY_DEFAULT_TIMEOUT_MS = 5_000;

export interface ReplayOptions {
  /** At most this many publishes per second, evenly spaced (no catch-up bursts). @default 100 */
  ratePerSecond?: number;
  /**
   * Select the dead letters and check that a stream captures each one's subject, but publish and
   * delete nothing; the report lists them under `wouldReplay`. @default false
   */
  dryRun?: boolean;
  /** How long to wait for each PubAck. @default '5s' */
  timeout?: Duration;
  /**
   * Stops the replay before the next dead letter; the one in flight is still published and deleted.
   * The report then says `aborted`. Running the same replay again continues with what is left.
   */
  signal?: AbortSignal;
  /** Called after each dead letter is handled. What it throws stops the replay and rejects. */
  onProgress?: (progress: ReplayProgress) => void;
  /**
   * Replay dead letters marked `completed` too (jobs whose handler had in fact completed, only the
   * ack was lost). @default false: they are skipped and kept
   */
  force?: boolean;
  /**
   * Publish these bytes instead of the stored payload (an operator's edit), with the same subject,
   * headers, job id and replay msg id: one implementation of replay, edited or not. Only for a
   * replay of exactly one dead letter (`filter.ids` of one sequence). A minimal entry (payload left
   * in the source stream) can be replayed this way. @default the stored payload
   */
  payload?: Uint8Array;
  /**
   * Streams replay must never publish into, beside the dead-letter stream itself and `AUDIT_STREAM`
   * (always refused): a dead letter's subject is data from the wire, and replay runs with the rights
   * of whoever replays, which may include appending to an append-only trail (the admin app passes
   * its `auditStream`). @default []
   */
  protectedStreams?: readonly string[];
  /**
   * Who `js` is connected as (the creds' user name), named by the `PermissionDeniedError` of a
   * publish the server refuses. @default unknown: the error says `(unknown)`
   */
  user?: string;
  /**
   * The server's max_payload (the connection's `info.max_payload`). A job that would exceed it with
   * its headers (a dead letter whose payload went to the object store, an edit) then fails with a
   * `PayloadTooLargeError` giving both sizes. @default unknown: such a failure is a `PublishFailedError`
   */
  maxPayload?: number;
}

export type ReplayOutcome = 'replayed' | 'would-replay' | 'skipped' | 'failed';

export interface ReplayProgress {
  dlqSeq: number;
  outcome: ReplayOutcome;
  /** Running totals so far, this dead letter included; in a dry run `replayed` counts `would-replay`. */
  replayed: number;
  skipped: number;
  failed: number;
}

/** Published (stored by `stream` at `seq`) and removed from the DLQ. */
export interface ReplayedDeadLetter {
  dlqSeq: number;
  subject: string;
  stream: string;
  seq: number;
  /** The server already had it: a replay that crashed between publish and delete ran again. */
  duplicate: boolean;
}

/** What a dry run would publish, and which stream would store it. */
export interface PlannedReplay {
  dlqSeq: number;
  subject: string;
  stream: string;
}

/** Not replayed and kept: malformed, or asked for by id but gone or not matching the filter. */
export interface SkippedDeadLetter {
  dlqSeq: number;
  reason: string;
}

/** The dead letter is kept: it was not replayed, or (when `published` is set) replayed but not deleted. */
export interface FailedReplay {
  dlqSeq: number;
  subject: string;
  /**
   * Why. Publishing fails with a `JetbusError` (`NoStreamForSubjectError`, `PublishTimeoutError`,
   * `ReplayConflictError`…); a failed delete after the PubAck keeps the server's error.
   */
  error: Error;
  /** Where the job went when it was replayed but its dead letter could not be deleted. */
  published?: { stream: string; seq: number };
}

export interface ReplayReport {
  dryRun: boolean;
  /** `signal` stopped the replay before every selected dead letter was handled. */
  aborted: boolean;
  replayed: ReplayedDeadLetter[];
  /** Filled by a dry run only. */
  wouldReplay: PlannedReplay[];
  skipped: SkippedDeadLetter[];
  failed: FailedReplay[];
}

interface ParsedReplayOptions {
  ratePerSecond: number;
  dryRun: boolean;
  timeoutMs: number;
  user: string | undefined;
  maxPayload: number | undefined;
}

/** Applies the defaults and validates, throwing `JetbusConfigError` with the option's name. */
export function parseReplayOptions(options: ReplayOptions = {}): ParsedReplayOptions {
  const ratePerSecond = options.ratePerSecond ?? REPLAY_DEFAULT_RATE_PER_SECOND;
  if (typeof ratePerSecond !== 'number' || !Number.isFinite(ratePerSecond) || ratePerSecond <= 0)
    throw new JetbusConfigError('ratePerSecond', `must be a positive number, got ${ratePerSecond}`);
  const timeoutMs =
    options.timeout === undefined ? REPLAY_DEFAULT_TIMEOUT_MS : parseDuration(options.timeout, 'timeout');
  if (timeoutMs <= 0) throw new JetbusConfigError('timeout', 'must be more than 0');
  if (
    options.maxPayload !== undefined &&
    !(Number.isSafeInteger(options.maxPayload) && options.maxPayload > 0)
  )
    throw new JetbusConfigError(
      'maxPayload',
      `must be a whole number of bytes above 0, not ${options.maxPayload}`,
    );
  return {
    ratePerSecond,
    dryRun: options.dryRun ?? false,
    timeoutMs,
    user: options.user,
    maxPayload: options.maxPayload,
  };
}

/** A replacement payload replaces one dead letter's: anything else would publish it many times. */
function assertReplacement(filter: ParsedDeadLetterFilter, payload: Uint8Array | undefined): void {
  if (payload === undefined) return;
  if (!(payload instanceof Uint8Array))
    throw new JetbusConfigError('payload', 'must be a Uint8Array (the bytes to publish)');
  if (filter.ids?.length !== 1)
    throw new JetbusConfigError(
      'payload',
      `replaces the payload of exactly one dead letter: select it with filter.ids = [dlqSeq], got ${filter.ids?.length ?? 'no'} ids`,
    );
}

/**
 * Republishes the selected dead letters to their original subjects, with their payload and original
 * headers, then deletes each from the DLQ once the PubAck is in. Each publish carries
 * `Nats-Msg-Id: replay:<dlq seq>`: if a replay dies between publish and delete, running it again
 * within the target stream's duplicate window stores the job once (PubAck `duplicate: true`) and
 * then deletes the entry. Replayed entries are gone, so a re-run continues with what is left.
 *
 * Nothing is lost: a dead letter that cannot be replayed (no stream for its subject, a timeout, a
 * malformed entry) stays in the DLQ and is listed under `failed` or `skipped`.
 */
export async function replayDeadLetters(
  store: DeadLetterStore,
  js: JetStreamClient,
  filter: DeadLetterFilter = {},
  options: ReplayOptions = {},
): Promise<ReplayReport> {
  const settings = parseReplayOptions(options);
  const parsed = parseDeadLetterFilter(filter);
  const { signal, onProgress, payload: replacement } = options;
  assertReplacement(parsed, replacement);
  const report: ReplayReport = {
    dryRun: settings.dryRun,
    aborted: false,
    replayed: [],
    wouldReplay: [],
    skipped: [],
    failed: [],
  };
  const pacer = new Pacer(settings.ratePerSecond);
  const targets = new ReplayTargets(store, options.protectedStreams ?? []);
  const done = (dlqSeq: number, outcome: ReplayOutcome) =>
    onProgress?.({
      dlqSeq,
      outcome,
      replayed: report.replayed.length + report.wouldReplay.length,
      skipped: report.skipped.length,
      failed: report.failed.length,
    });

  for await (const item of select(store, parsed)) {
    if (signal?.aborted) {
      report.aborted = true;
      break;
    }
    if ('skip' in item) {
      report.skipped.push({ dlqSeq: item.dlqSeq, reason: item.skip });
      done(item.dlqSeq, 'skipped');
      continue;
    }
    const entry = item.entry;
    if (entry.kind === 'malformed') {
      report.skipped.push({ dlqSeq: entry.dlqSeq, reason: `malformed: ${entry.problem}` });
      done(entry.dlqSeq, 'skipped');
      continue;
    }
    if (entry.completed && !options.force) {
      report.skipped.push({
        dlqSeq: entry.dlqSeq,
        reason:
          'completed: its handler finished it and only the ack was lost (replay with force to run it again)',
      });
      done(entry.dlqSeq, 'skipped');
      continue;
    }
    if (entry.payload.kind === 'source' && !replacement) {
      report.skipped.push({
        dlqSeq: entry.dlqSeq,
        reason: `minimal entry: the payload was not copied; it is in stream ${entry.stream} at seq ${entry.seq}`,
      });
      done(entry.dlqSeq, 'skipped');
      continue;
    }
    if (entry.headersObject) {
      // Its headers (a job id, a Jetbus-Enc key id...) could not travel with the dead letter, and
      // a republish without them would be another job; a block that large may not publish at all.
      report.skipped.push({
        dlqSeq: entry.dlqSeq,
        reason: `its headers are too large to travel with it: kept in object ${entry.headersObject.name} of bucket ${entry.headersObject.bucket}`,
      });
      done(entry.dlqSeq, 'skipped');
      continue;
    }
    // The same checks for a dry run and a real one: what a dry run lists is what a replay would do.
    const target = await targets.find(entry.subject);
    if (typeof target !== 'string') {
      report.failed.push({ dlqSeq: entry.dlqSeq, subject: entry.subject, error: target });
      done(entry.dlqSeq, 'failed');
      continue;
    }
    if (settings.dryRun) {
      report.wouldReplay.push({ dlqSeq: entry.dlqSeq, subject: entry.subject, stream: target });
      done(entry.dlqSeq, 'would-replay');
      continue;
    }
    await pacer.wait(signal);
    if (signal?.aborted) {
      report.aborted = true;
      break;
    }
    const outcome = await replayOne(store, js, entry, target, settings, replacement);
    if ('error' in outcome) report.failed.push(outcome);
    else report.replayed.push(outcome);
    done(entry.dlqSeq, 'error' in outcome ? 'failed' : 'replayed');
  }
  return report;
}

/**
 * Publish, check the PubAck, delete: one dead letter, with its stored payload or the `replacement`
 * an operator edited (the duplicate check below then compares against the edit). The PubAck must come from the stream the
 * target check found (`expect.streamName`) and name a sequence: anything else (a core request
 * subject answering with something that is not a PubAck) keeps the dead letter.
 */
async function replayOne(
  store: DeadLetterStore,
  js: JetStreamClient,
  record: DeadLetterRecord,
  stream: string,
  settings: Pick<ParsedReplayOptions, 'timeoutMs' | 'user' | 'maxPayload'>,
  replacement: Uint8Array | undefined,
): Promise<ReplayedDeadLetter | FailedReplay> {
  const { dlqSeq, subject } = record;
  const msgId = replayMsgId(store.stream, dlqSeq);
  const headers = natsHeaders();
  for (const [name, values] of Object.entries(record.headers))
    for (const v of values) headers.append(name, v);
  // The job keeps its identity across replays, so `idempotency` knows a replay of a completed job.
  if (!headers.has(JOB_ID_HEADER))
    headers.set(JOB_ID_HEADER, record.originalMsgId || `${record.stream}:${record.seq}`);
  let data: Uint8Array;
  let ack: PubAck;
  try {
    data = replacement ?? (await store.payload(record));
  } catch (e) {
    return { dlqSeq, subject, error: e as Error };
  }
  try {
    ack = await js.publish(subject, data, {
      msgID: msgId,
      headers,
      timeout: settings.timeoutMs,
      expect: { streamName: stream },
    });
  } catch (e) {
    const size = data.byteLength + headerBytes(headers);
    return { dlqSeq, subject, error: publishError(e, subject, size, settings) };
  }
  if (ack.stream !== stream || !Number.isSafeInteger(ack.seq) || ack.seq <= 0) {
    const got = JSON.stringify({ stream: ack.stream, seq: ack.seq });
    return {
      dlqSeq,
      subject,
      error: new PublishFailedError(
        subject,
        `the reply is not a PubAck from ${stream}: ${got}; dead letter kept`,
      ),
    };
  }
  if (ack.duplicate && (await storedIsAnother(store, ack, record, data))) {
    return { dlqSeq, subject, error: new ReplayConflictError(subject, msgId, ack.stream, ack.seq) };
  }
  try {
    // false means it is gone already: another replay of the same entry won the race, fine.
    await store.delete(dlqSeq, record);
  } catch (e) {
    return { dlqSeq, subject, error: e as Error, published: { stream: ack.stream, seq: ack.seq } };
  }
  return { dlqSeq, subject, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
}

/**
 * A duplicate PubAck names the message the server kept. If that message is still there and is not
 * this job, the replay id collided (a recreated DLQ stream restarts at seq 1) and the job was
 * dropped, so the dead letter must stay. If it is gone (consumed from a work queue) it cannot be
 * compared, and the likely story is a crashed replay of this very dead letter.
 */
async function storedIsAnother(
  store: DeadLetterStore,
  ack: PubAck,
  record: DeadLetterRecord,
  data: Uint8Array,
): Promise<boolean> {
  const stored = await store.jsm.streams.getMessage(ack.stream, { seq: ack.seq }).catch(() => null);
  return !!stored && (stored.subject !== record.subject || !sameBytes(stored.data, data));
}

/** The publish's failure, typed; too large is a `PayloadTooLargeError` when max_payload is known. */
function publishError(
  e: unknown,
  subject: string,
  size: number,
  { timeoutMs, user, maxPayload }: Pick<ParsedReplayOptions, 'timeoutMs' | 'user' | 'maxPayload'>,
): JetbusError {
  const error = mapPublishError(e, { subject, size, maxPayload: maxPayload ?? Number.NaN, timeoutMs, user });
  return error instanceof PayloadTooLargeError && maxPayload === undefined
    ? new PublishFailedError(subject, (e as Error).message, { cause: e })
    : error;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i]);

type Selected = { entry: DeadLetterEntry } | { dlqSeq: number; skip: string };

/** The entries to replay; asked-for ids that are gone or do not match are reported, not silently dropped. */
async function* select(store: DeadLetterStore, filter: ParsedDeadLetterFilter): AsyncGenerator<Selected> {
  if (!filter.ids) {
    for await (const entry of store.entries(filter)) yield { entry };
    return;
  }
  let selected = 0;
  for (const dlqSeq of filter.ids) {
    if (selected >= (filter.limit ?? Number.POSITIVE_INFINITY)) return;
    const entry = await store.get(dlqSeq);
    if (!entry) yield { dlqSeq, skip: 'not found (already replayed or deleted)' };
    else if (!matchesDeadLetterFilter(entry, filter)) yield { dlqSeq, skip: 'does not match the filter' };
    else {
      selected++;
      yield { entry };
    }
  }
}

/**
 * Where replay may publish: the stream that captures a subject, checked once per subject. A dead
 * letter's subject is data from the wire, so replay (run with an operator's rights) refuses system
 * subjects (`$JS.API.…`, `$SYS.…`, any `$…`), inboxes, subjects no stream captures (a core request
 * subject could still answer), subjects the dead-letter stream captures itself and subjects of the
 * audit stream or another protected one (a replay there would forge an audit entry).
 */
class ReplayTargets {
  private readonly found = new Map<string, Promise<string | Error>>();
  private readonly protectedStreams: ReadonlySet<string>;

  constructor(
    private readonly store: DeadLetterStore,
    protectedStreams: readonly string[],
  ) {
    this.protectedStreams = new Set([AUDIT_STREAM, ...protectedStreams]);
  }

  /** The stream's name, or why replay must not publish there. */
  find(subject: string): Promise<string | Error> {
    let result = this.found.get(subject);
    if (!result) {
      result = this.check(subject);
      this.found.set(subject, result);
    }
    return result;
  }

  private async check(subject: string): Promise<string | Error> {
    if (subject.startsWith('$')) return new ReplayTargetError(subject, 'a system subject');
    if (!fitsProtocolLine(subject))
      return new ReplayTargetError(
        subject,
        `${Buffer.byteLength(subject)} bytes, too long to publish with a reply (the server would close the connection)`,
      );
    if (subject.split('.')[0].toUpperCase().startsWith('_INBOX'))
      return new ReplayTargetError(subject, 'an inbox (replies go there, not jobs)');
    let stream: string;
    try {
      stream = await this.store.jsm.streams.find(subject);
    } catch (e) {
      return isStreamNotFound(e) ? new NoStreamForSubjectError(subject, { cause: e }) : (e as Error);
    }
    if (stream === this.store.stream)
      return new ReplayTargetError(subject, `the dead-letter stream ${stream} captures it`);
    if (this.protectedStreams.has(stream))
      return new ReplayTargetError(subject, `the protected stream ${stream} (an audit trail) captures it`);
    return stream;
  }
}
