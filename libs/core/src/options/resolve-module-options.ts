import { type Authenticator } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { type Registry } from 'prom-client';
import { type ResolvedCancellationOptions, resolveCancellation } from '../cancellation/cancellation-options';
import { type Codec, JsonCodec } from '../codec';
import { type PayloadEncryption, resolveEncryptionOptions } from '../encryption';
import {
  booleanOption,
  checkOptions,
  functionOption,
  integerOption,
  isName,
  isSubject,
  oneOf,
  optionNames,
  optionPath,
  positiveInteger,
  shown,
  stringOption,
} from '../config';
import { type DeadLetterOptions } from '../dead-letter/dead-letter.options';
import { DEAD_LETTER_DEFAULT_STREAM } from '../dead-letter/dead-letter-store';
import { ADVISORY_STREAM, DEAD_LETTER_DEFAULT_SUBJECT_PREFIX, reaperDurable } from '../wire/names';
import { JetbusConfigError } from '../errors';
import { type JobHandlerOptions } from '../handlers/job-handler.options';
import { parseJobHandlerOptions } from '../handlers/resolve-job-handler-options';
import { parseDurationAtLeast } from '../retry/duration';
import {
  type HeartbeatOptions,
  type JetbusModuleOptions,
  type JetbusTlsOptions,
  type SchedulingOptions,
} from './jetbus-module.options';
import { SCHEDULED_STREAM, SCHEDULED_SUBJECT_PREFIX } from '../scheduling/scheduling-names';
import { type JetbusStreamOptions } from './jetbus-stream.options';
import { type ResolvedPeriodic } from '../scheduling/periodic/periodic.options';
import { checkUniqueNames, resolvePeriodicDefinitions } from '../scheduling/periodic/resolve-periodic';

export interface ResolvedStreamOptions {
  name: string;
  subjects: string[];
  retention: 'limits' | 'workqueue' | 'interest';
  storage: 'file' | 'memory';
  replicas: number;
  maxAgeMs: number;
  maxMsgs: number;
  maxBytes: number;
  maxMsgsPerSubject: number;
  maxMsgSize: number;
  discard: 'old' | 'new';
  duplicateWindowMs: number;
}

export interface ResolvedDeadLetterOptions {
  stream: ResolvedStreamOptions;
  subjectPrefix: string;
  reaper: false | { stream: ResolvedStreamOptions };
  onDeadLetter: DeadLetterOptions['onDeadLetter'];
}

export { ADVISORY_STREAM, reaperDurable };

export interface ResolvedModuleOptions {
  servers: string[];
  name: string;
  credsFile: string | undefined;
  authenticator: Authenticator | undefined;
  tls: JetbusTlsOptions | undefined;
  inboxPrefix: string | undefined;
  streams: ResolvedStreamOptions[];
  connectTimeoutMs: number;
  maxReconnectAttempts: number;
  reconnectTimeWaitMs: number;
  publishTimeoutMs: number;
  publishWindow: number;
  handlerDefaults: JobHandlerOptions;
  shutdownGracePeriodMs: number;
  codec: Codec;
  /** `encryption`, resolved; `undefined` when off. */
  encryption: PayloadEncryption | undefined;
  logger: Logger | false | undefined;
  deadLetter: ResolvedDeadLetterOptions | false;
  repairStranded: boolean;
  /** Worker heartbeats, or false for none. */
  heartbeat: { intervalMs: number } | false;
  /** Delayed jobs: the scheduling stream this module declares, and whether its server releases. */
  scheduling: ResolvedSchedulingOptions | false;
  /** Module-declared periodic schedules (`@Periodic` ones are found when the server starts). */
  periodic: ResolvedPeriodic[];
  /** Cancellation of queued and running jobs, or false (scheduled jobs only). */
  cancellation: ResolvedCancellationOptions | false;
  metricsRegistry: Registry | undefined;
}

export interface ResolvedSchedulingOptions {
  stream: ResolvedStreamOptions;
  release: boolean;
}

const MODULE_OPTIONS = optionNames<JetbusModuleOptions>({
  servers: true,
  name: true,
  credsFile: true,
  authenticator: true,
  tls: true,
  inboxPrefix: true,
  streams: true,
  connectTimeout: true,
  maxReconnectAttempts: true,
  reconnectTimeWait: true,
  publishTimeout: true,
  publishWindow: true,
  handlerDefaults: true,
  shutdownGracePeriod: true,
  deadLetter: true,
  repairStranded: true,
  heartbeat: true,
  scheduling: true,
  periodic: true,
  cancellation: true,
  metricsRegistry: true,
  codec: true,
  encryption: true,
  logger: true,
});
const TLS_OPTIONS = optionNames<JetbusTlsOptions>({
  caFile: true,
  certFile: true,
  keyFile: true,
  ca: true,
  cert: true,
  key: true,
});
const STREAM_OPTIONS = optionNames<JetbusStreamOptions>({
  name: true,
  subjects: true,
  retention: true,
  storage: true,
  replicas: true,
  maxAge: true,
  maxMsgs: true,
  maxBytes: true,
  maxMsgsPerSubject: true,
  maxMsgSize: true,
  discard: true,
  duplicateWindow: true,
});
const HEARTBEAT_OPTIONS = optionNames<HeartbeatOptions>({ interval: true });
const SCHEDULING_OPTIONS = optionNames<SchedulingOptions>({ stream: true, replicas: true, release: true });
const DEAD_LETTER_OPTIONS = optionNames<DeadLetterOptions>({
  stream: true,
  subjectPrefix: true,
  maxAge: true,
  replicas: true,
  reaper: true,
  onDeadLetter: true,
});

/** The documented defaults of `JetbusModuleOptions` (see its JSDoc), read only here. */
export const MODULE_DEFAULTS = {
  connectTimeout: '5s',
  maxReconnectAttempts: -1,
  reconnectTimeWait: '1s',
  publishTimeout: '5s',
  publishWindow: 256,
  shutdownGracePeriod: '10s',
  repairStranded: false,
  heartbeat: { interval: '5s' },
} as const satisfies Partial<JetbusModuleOptions>;

/** The documented defaults of `JetbusStreamOptions` that are not "unlimited". */
const STREAM_DEFAULTS = { maxAge: 0, duplicateWindow: '2m' } as const satisfies Partial<JetbusStreamOptions>;

const NAME_RULE = 'without spaces, . * > / \\';

const limit = (value: unknown, path: string): number =>
  integerOption(value, path, 'a positive integer or -1 (unlimited)', (n) => n >= 1 || n === -1) ?? -1;

const replicasOf = (value: unknown, path: string): number =>
  integerOption(value, path, 'an integer from 1 to 5', (n) => n >= 1 && n <= 5) ?? 1;

function resolveStream(value: unknown, path: string): ResolvedStreamOptions {
  const s = checkOptions(value, path, STREAM_OPTIONS);
  const at = (name: string) => optionPath(path, name);
  if (!isName(s.name)) {
    throw new JetbusConfigError(at('name'), `must be a name ${NAME_RULE}, got ${shown(s.name)}`);
  }
  if (!Array.isArray(s.subjects)) {
    throw new JetbusConfigError(at('subjects'), `must be an array of subjects, got ${shown(s.subjects)}`);
  }
  if (s.subjects.length === 0) throw new JetbusConfigError(at('subjects'), 'must list at least one subject');
  const subjects = s.subjects.map((subject: unknown, i) => {
    if (!isSubject(subject)) {
      throw new JetbusConfigError(
        optionPath(at('subjects'), i),
        `must be a NATS subject like "orders.>" (no spaces or empty tokens; * and > only as whole tokens, > last), got ${shown(subject)}`,
      );
    }
    return subject;
  });
  // NATS refuses a maxAge or duplicate window below 100ms; it reads a zero window as its own
  // default, so 0 would not mean "no deduplication".
  const maxAgeMs = parseDurationAtLeast(s.maxAge, at('maxAge'), 0, STREAM_DEFAULTS.maxAge);
  if (maxAgeMs > 0 && maxAgeMs < 100) {
    throw new JetbusConfigError(
      at('maxAge'),
      `must be 0 (forever) or at least 100ms, got ${shown(s.maxAge)}`,
    );
  }
  let duplicateWindowMs = parseDurationAtLeast(
    s.duplicateWindow,
    at('duplicateWindow'),
    100,
    STREAM_DEFAULTS.duplicateWindow,
  );
  if (maxAgeMs > 0 && duplicateWindowMs > maxAgeMs) {
    // NATS refuses a window longer than maxAge; the default shrinks to fit, as NATS's own does.
    if (s.duplicateWindow !== undefined) {
      throw new JetbusConfigError(
        at('duplicateWindow'),
        `must not be longer than maxAge (${maxAgeMs} ms), got ${shown(s.duplicateWindow)}`,
      );
    }
    duplicateWindowMs = maxAgeMs;
  }
  return {
    name: s.name,
    subjects,
    retention: oneOf(s.retention, ['limits', 'workqueue', 'interest'], at('retention'), 'limits'),
    storage: oneOf(s.storage, ['file', 'memory'], at('storage'), 'file'),
    replicas: replicasOf(s.replicas, at('replicas')),
    maxAgeMs,
    maxMsgs: limit(s.maxMsgs, at('maxMsgs')),
    maxBytes: limit(s.maxBytes, at('maxBytes')),
    maxMsgsPerSubject: limit(s.maxMsgsPerSubject, at('maxMsgsPerSubject')),
    maxMsgSize: limit(s.maxMsgSize, at('maxMsgSize')),
    discard: oneOf(s.discard, ['old', 'new'], at('discard'), 'new'),
    duplicateWindowMs,
  };
}

function resolveDeadLetter(value: unknown): ResolvedDeadLetterOptions | false {
  if (value === false) return false;
  const o = checkOptions(value ?? {}, 'deadLetter', DEAD_LETTER_OPTIONS, 'an object or false');
  const name = o.stream ?? DEAD_LETTER_DEFAULT_STREAM;
  if (!isName(name)) {
    throw new JetbusConfigError(
      'deadLetter.stream',
      `must be a stream name ${NAME_RULE}, got ${shown(name)}`,
    );
  }
  const subjectPrefix = o.subjectPrefix ?? DEAD_LETTER_DEFAULT_SUBJECT_PREFIX;
  if (!isSubject(subjectPrefix, false)) {
    throw new JetbusConfigError(
      'deadLetter.subjectPrefix',
      `must be subject tokens without wildcards, got ${shown(subjectPrefix)}`,
    );
  }
  const maxAgeMs = parseDurationAtLeast(o.maxAge, 'deadLetter.maxAge', 0, 0);
  if (maxAgeMs > 0 && maxAgeMs < 100) {
    throw new JetbusConfigError(
      'deadLetter.maxAge',
      `must be 0 (forever) or at least 100ms, got ${shown(o.maxAge)}`,
    );
  }
  const replicas = replicasOf(o.replicas, 'deadLetter.replicas');
  const reaper = booleanOption(o.reaper, 'deadLetter.reaper') ?? true;
  const onDeadLetter = functionOption<DeadLetterOptions['onDeadLetter']>(
    o.onDeadLetter,
    'deadLetter.onDeadLetter',
  );
  // Both streams below are built from checked values, so resolveStream cannot fail on them.
  const stream = resolveStream(
    {
      name,
      subjects: [`${subjectPrefix}.>`],
      maxAge: maxAgeMs,
      replicas,
      retention: 'limits',
      discard: 'new',
      // A long dedup window: a reaper write that comes long after the worker's is still one entry
      // (never longer than maxAge, which NATS would refuse).
      duplicateWindow: maxAgeMs > 0 ? Math.min(maxAgeMs, 3_600_000) : '1h',
    },
    'deadLetter',
  );
  return {
    stream,
    subjectPrefix,
    reaper: reaper
      ? {
          stream: resolveStream(
            {
              name: ADVISORY_STREAM,
              subjects: ['$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>'],
              retention: 'limits',
              maxAge: '7d',
              replicas,
              discard: 'old',
            },
            'deadLetter',
          ),
        }
      : false,
    onDeadLetter,
  };
}

function resolveHeartbeat(value: unknown): { intervalMs: number } | false {
  if (value === false) return false;
  const o = checkOptions(value ?? {}, 'heartbeat', HEARTBEAT_OPTIONS, 'an object { interval? } or false');
  // 3 intervals are the bucket's TTL (its stream's max_age), which NATS wants at least 100ms; a
  // shorter interval would only load the server.
  return {
    intervalMs: parseDurationAtLeast(
      o.interval,
      'heartbeat.interval',
      100,
      MODULE_DEFAULTS.heartbeat.interval,
    ),
  };
}

function resolveScheduling(value: unknown): ResolvedSchedulingOptions | false {
  if (value === undefined || value === false) return false;
  const o = checkOptions(
    value,
    'scheduling',
    SCHEDULING_OPTIONS,
    'an object { stream?, replicas?, release? } or false',
  );
  const name = o.stream ?? SCHEDULED_STREAM;
  if (!isName(name)) {
    throw new JetbusConfigError(
      'scheduling.stream',
      `must be a stream name ${NAME_RULE}, got ${shown(name)}`,
    );
  }
  return {
    stream: resolveStream(
      {
        name,
        subjects: [`${SCHEDULED_SUBJECT_PREFIX}.>`],
        // Limits, not workqueue: release consumers of overlapping handler subjects (orders.> and
        // orders.created) may coexist; a released or cancelled entry is deleted explicitly.
        retention: 'limits',
        replicas: replicasOf(o.replicas, 'scheduling.replicas'),
        // A full stream refuses new jobs (the producer gets a typed error) rather than dropping old ones.
        discard: 'new',
      },
      'scheduling',
    ),
    release: booleanOption(o.release, 'scheduling.release') ?? true,
  };
}

function resolveServers(value: unknown): string[] {
  const required = 'at least one NATS server URL is required (e.g. nats://127.0.0.1:4222)';
  const list: unknown[] | undefined =
    typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (list === undefined) {
    throw new JetbusConfigError(
      'servers',
      value === undefined ? required : `${required}, got ${shown(value)}`,
    );
  }
  if (list.length === 0) throw new JetbusConfigError('servers', required);
  return list.map((s, i) => {
    if (typeof s !== 'string' || s.trim() === '') {
      throw new JetbusConfigError(
        typeof value === 'string' ? 'servers' : `servers[${i}]`,
        `${required}, got ${shown(s)}`,
      );
    }
    return s;
  });
}

function resolveTls(value: unknown): JetbusTlsOptions | undefined {
  if (value === undefined) return undefined;
  const o = checkOptions(
    value,
    'tls',
    TLS_OPTIONS,
    'an object { caFile?, certFile?, keyFile?, ca?, cert?, key? }',
  );
  for (const key of TLS_OPTIONS) stringOption(o[key], `tls.${key}`, 'a file path or PEM string');
  return o as JetbusTlsOptions;
}

function resolveInboxPrefix(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!isSubject(value, false)) {
    throw new JetbusConfigError(
      'inboxPrefix',
      `must be a reply-subject prefix: subject tokens without spaces or wildcards, such as "_INBOX_orders", got ${shown(value)}`,
    );
  }
  return value;
}

function resolveCodec(value: unknown): Codec {
  if (value === undefined) return new JsonCodec();
  if (typeof value !== 'object' || value === null) {
    throw new JetbusConfigError(
      'codec',
      `must be a codec { contentType, encode, decode }, got ${shown(value)}`,
    );
  }
  const codec = value as Partial<Record<keyof Codec, unknown>>;
  const member = (key: keyof Codec, ok: boolean, expected: string) => {
    if (!ok) throw new JetbusConfigError(`codec.${key}`, `must be ${expected}, got ${shown(codec[key])}`);
  };
  member(
    'contentType',
    typeof codec.contentType === 'string' && codec.contentType !== '',
    'a MIME type such as "application/json"',
  );
  member('encode', typeof codec.encode === 'function', 'a function (value) => Uint8Array');
  member('decode', typeof codec.decode === 'function', 'a function (Uint8Array) => value');
  return value as Codec;
}

const LOGGER_METHODS = ['child', 'debug', 'info', 'warn', 'error'] as const;

function resolveLogger(value: unknown): Logger | false | undefined {
  if (value === undefined || value === false) return value;
  const isLogger =
    typeof value === 'object' &&
    value !== null &&
    LOGGER_METHODS.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
  if (!isLogger) {
    const hint =
      typeof value === 'string' ? ' (set the level with the JETBUS_LOG_LEVEL environment variable)' : '';
    throw new JetbusConfigError('logger', `must be a pino logger or false, got ${shown(value)}${hint}`);
  }
  return value as Logger;
}

function resolveMetricsRegistry(value: unknown): Registry | undefined {
  if (value === undefined) return undefined;
  const r = value as Partial<Record<keyof Registry, unknown>> | null;
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof r.registerMetric !== 'function' ||
    typeof r.metrics !== 'function'
  ) {
    throw new JetbusConfigError('metricsRegistry', `must be a prom-client Registry, got ${shown(value)}`);
  }
  return value as Registry;
}

/** The one place module options are defaulted and checked; every error names its option. */
export function resolveModuleOptions(options: JetbusModuleOptions): ResolvedModuleOptions {
  const o = checkOptions(options, '', MODULE_OPTIONS, 'an options object for JetbusModule.forRoot');
  const servers = resolveServers(o.servers);
  if (!isName(o.name)) {
    throw new JetbusConfigError(
      'name',
      `must be a service name ${NAME_RULE} (it prefixes durable names), got ${shown(o.name)}`,
    );
  }
  const credsFile = stringOption(o.credsFile, 'credsFile', 'a path to a .creds file');
  const authenticator = functionOption<Authenticator>(
    o.authenticator,
    'authenticator',
    'a nats.js Authenticator (e.g. credsAuthenticator(…))',
  );
  if (credsFile !== undefined && authenticator !== undefined) {
    throw new JetbusConfigError('credsFile', 'give either credsFile or authenticator, not both');
  }
  const tls = resolveTls(o.tls);
  const inboxPrefix = resolveInboxPrefix(o.inboxPrefix);
  if (o.streams !== undefined && !Array.isArray(o.streams)) {
    throw new JetbusConfigError('streams', `must be an array of stream options, got ${shown(o.streams)}`);
  }
  const streams = (o.streams ?? []).map((s: unknown, i) => resolveStream(s, `streams[${i}]`));
  const deadLetter = resolveDeadLetter(o.deadLetter);
  const seen = new Set<string>();
  streams.forEach((s, i) => {
    if (deadLetter && s.name === deadLetter.stream.name) {
      throw new JetbusConfigError(`streams[${i}].name`, `"${s.name}" is the dead-letter stream's name`);
    }
    if (seen.has(s.name))
      throw new JetbusConfigError(`streams[${i}].name`, `stream "${s.name}" is declared twice`);
    seen.add(s.name);
  });
  const periodic = resolvePeriodicDefinitions(o.periodic);
  checkUniqueNames(periodic);
  const handlerDefaults = (o.handlerDefaults ?? {}) as JobHandlerOptions;
  parseJobHandlerOptions(handlerDefaults, 'handlerDefaults');
  return {
    servers,
    name: o.name,
    credsFile,
    authenticator,
    tls,
    inboxPrefix,
    streams,
    connectTimeoutMs: parseDurationAtLeast(
      o.connectTimeout,
      'connectTimeout',
      1,
      MODULE_DEFAULTS.connectTimeout,
    ),
    maxReconnectAttempts:
      integerOption(
        o.maxReconnectAttempts,
        'maxReconnectAttempts',
        '-1 (forever) or a count',
        (n) => n >= -1,
      ) ?? MODULE_DEFAULTS.maxReconnectAttempts,
    reconnectTimeWaitMs: parseDurationAtLeast(
      o.reconnectTimeWait,
      'reconnectTimeWait',
      0,
      MODULE_DEFAULTS.reconnectTimeWait,
    ),
    publishTimeoutMs: parseDurationAtLeast(
      o.publishTimeout,
      'publishTimeout',
      1,
      MODULE_DEFAULTS.publishTimeout,
    ),
    publishWindow: positiveInteger(o.publishWindow, 'publishWindow') ?? MODULE_DEFAULTS.publishWindow,
    handlerDefaults,
    shutdownGracePeriodMs: parseDurationAtLeast(
      o.shutdownGracePeriod,
      'shutdownGracePeriod',
      0,
      MODULE_DEFAULTS.shutdownGracePeriod,
    ),
    codec: resolveCodec(o.codec),
    encryption: resolveEncryptionOptions(o.encryption),
    logger: resolveLogger(o.logger),
    deadLetter,
    repairStranded: booleanOption(o.repairStranded, 'repairStranded') ?? MODULE_DEFAULTS.repairStranded,
    heartbeat: resolveHeartbeat(o.heartbeat),
    scheduling: resolveScheduling(o.scheduling),
    periodic,
    cancellation: resolveCancellation(o.cancellation),
    metricsRegistry: resolveMetricsRegistry(o.metricsRegistry),
  };
}
