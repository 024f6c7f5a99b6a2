import { type Authenticator } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { type Registry } from 'prom-client';
import { type Codec, JsonCodec } from '../codec';
import { type DeadLetterOptions } from '../dead-letter/dead-letter.options';
import { DEAD_LETTER_DEFAULT_STREAM } from '../dead-letter/dead-letter-store';
import { JetbusConfigError } from '../errors';
import { type JobHandlerOptions } from '../handlers/job-handler.options';
import { parseDuration } from '../retry';
import { type JetbusModuleOptions, type JetbusTlsOptions } from './jetbus-module.options';
import { type JetbusStreamOptions } from './jetbus-stream.options';

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

/** Where the reaper finds max-deliveries advisories. */
export const ADVISORY_STREAM = 'JETBUS_ADVISORIES';
/**
 * The reaper durable for one source stream, shared by every process whose handlers consume that
 * stream: each advisory is handled once, by a process that has permission on the stream.
 */
export const reaperDurable = (stream: string): string => `jetbus-reaper_${stream}`;

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
  logger: Logger | false | undefined;
  deadLetter: ResolvedDeadLetterOptions | false;
  repairStranded: boolean;
  metricsRegistry: Registry | undefined;
}

const oneOf = <T extends string>(value: unknown, allowed: readonly T[], option: string, fallback: T): T => {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new JetbusConfigError(option, `must be one of ${allowed.join(' | ')}, got ${JSON.stringify(value)}`);
};

const limit = (value: number | undefined, option: string): number => {
  if (value === undefined) return -1;
  if (!Number.isInteger(value) || value < -1 || value === 0) {
    throw new JetbusConfigError(option, `must be a positive integer or -1 (unlimited), got ${value}`);
  }
  return value;
};

const STREAM_NAME = /^[^\s.*>/\\]+$/;

function resolveStream(s: JetbusStreamOptions, path: string): ResolvedStreamOptions {
  const at = (name: string) => `${path}.${name}`;
  if (typeof s?.name !== 'string' || !STREAM_NAME.test(s.name)) {
    throw new JetbusConfigError(
      at('name'),
      `must be a name without spaces, . * > / \\, got ${JSON.stringify(s?.name)}`,
    );
  }
  if (!Array.isArray(s.subjects) || s.subjects.length === 0) {
    throw new JetbusConfigError(at('subjects'), 'must list at least one subject');
  }
  const replicas = s.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) {
    throw new JetbusConfigError(at('replicas'), `must be an integer from 1 to 5, got ${replicas}`);
  }
  return {
    name: s.name,
    subjects: s.subjects,
    retention: oneOf(s.retention, ['limits', 'workqueue', 'interest'], at('retention'), 'limits'),
    storage: oneOf(s.storage, ['file', 'memory'], at('storage'), 'file'),
    replicas,
    maxAgeMs: parseDuration(s.maxAge ?? 0, at('maxAge')),
    maxMsgs: limit(s.maxMsgs, at('maxMsgs')),
    maxBytes: limit(s.maxBytes, at('maxBytes')),
    maxMsgsPerSubject: limit(s.maxMsgsPerSubject, at('maxMsgsPerSubject')),
    maxMsgSize: limit(s.maxMsgSize, at('maxMsgSize')),
    discard: oneOf(s.discard, ['old', 'new'], at('discard'), 'new'),
    duplicateWindowMs: parseDuration(s.duplicateWindow ?? '2m', at('duplicateWindow')),
  };
}

function resolveDeadLetter(d: DeadLetterOptions | false | undefined): ResolvedDeadLetterOptions | false {
  if (d === false) return false;
  if (d !== undefined && (d === null || typeof d !== 'object')) {
    throw new JetbusConfigError('deadLetter', 'must be an object or false');
  }
  const o = d ?? {};
  const subjectPrefix = o.subjectPrefix ?? 'dlq';
  if (!/^[^\s*>]+$/.test(subjectPrefix) || subjectPrefix.split('.').some((t) => t === '')) {
    throw new JetbusConfigError(
      'deadLetter.subjectPrefix',
      `must be subject tokens without wildcards, got "${subjectPrefix}"`,
    );
  }
  const stream = resolveStream(
    {
      name: o.stream ?? DEAD_LETTER_DEFAULT_STREAM,
      subjects: [`${subjectPrefix}.>`],
      maxAge: o.maxAge ?? 0,
      replicas: o.replicas,
      retention: 'limits',
      discard: 'new',
      // A long dedup window: a reaper write that comes long after the worker's is still one entry.
      duplicateWindow: '1h',
    },
    'deadLetter',
  );
  return {
    stream,
    subjectPrefix,
    reaper:
      o.reaper === false
        ? false
        : {
            stream: resolveStream(
              {
                name: ADVISORY_STREAM,
                subjects: ['$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>'],
                retention: 'limits',
                maxAge: '7d',
                replicas: o.replicas,
                discard: 'old',
              },
              'deadLetter',
            ),
          },
    onDeadLetter: o.onDeadLetter,
  };
}

/** The one place module options are defaulted and checked; every error names its option. */
export function resolveModuleOptions(options: JetbusModuleOptions): ResolvedModuleOptions {
  if (options === null || typeof options !== 'object') {
    throw new JetbusConfigError('options', 'JetbusModule.forRoot needs an options object');
  }
  const servers = (Array.isArray(options.servers) ? options.servers : [options.servers]).filter(
    (s): s is string => typeof s === 'string' && s.trim() !== '',
  );
  if (servers.length === 0) {
    throw new JetbusConfigError(
      'servers',
      'at least one NATS server URL is required (e.g. nats://127.0.0.1:4222)',
    );
  }
  if (typeof options.name !== 'string' || !STREAM_NAME.test(options.name)) {
    throw new JetbusConfigError(
      'name',
      `must be a service name without spaces, . * > / \\ (it prefixes durable names), got ${JSON.stringify(options.name)}`,
    );
  }
  const streams = (options.streams ?? []).map((s, i) => resolveStream(s, `streams[${i}]`));
  const seen = new Set<string>();
  const deadLetter = resolveDeadLetter(options.deadLetter);
  streams.forEach((s, i) => {
    if (deadLetter && s.name === deadLetter.stream.name) {
      throw new JetbusConfigError(`streams[${i}].name`, `"${s.name}" is the dead-letter stream's name`);
    }
    if (seen.has(s.name))
      throw new JetbusConfigError(`streams[${i}].name`, `stream "${s.name}" is declared twice`);
    seen.add(s.name);
  });
  const publishWindow = options.publishWindow ?? 256;
  if (!Number.isInteger(publishWindow) || publishWindow < 1) {
    throw new JetbusConfigError('publishWindow', `must be a positive integer, got ${publishWindow}`);
  }
  const maxReconnectAttempts = options.maxReconnectAttempts ?? -1;
  if (!Number.isInteger(maxReconnectAttempts) || maxReconnectAttempts < -1) {
    throw new JetbusConfigError(
      'maxReconnectAttempts',
      `must be -1 (forever) or a count, got ${maxReconnectAttempts}`,
    );
  }
  if (options.credsFile !== undefined && options.authenticator !== undefined) {
    throw new JetbusConfigError('credsFile', 'give either credsFile or authenticator, not both');
  }
  return {
    servers,
    name: options.name,
    credsFile: options.credsFile,
    authenticator: options.authenticator,
    tls: options.tls,
    inboxPrefix: options.inboxPrefix,
    streams,
    connectTimeoutMs: parseDuration(options.connectTimeout ?? '5s', 'connectTimeout'),
    maxReconnectAttempts,
    reconnectTimeWaitMs: parseDuration(options.reconnectTimeWait ?? '1s', 'reconnectTimeWait'),
    publishTimeoutMs: parseDuration(options.publishTimeout ?? '5s', 'publishTimeout'),
    publishWindow,
    handlerDefaults: options.handlerDefaults ?? {},
    shutdownGracePeriodMs: parseDuration(options.shutdownGracePeriod ?? '10s', 'shutdownGracePeriod'),
    codec: options.codec ?? new JsonCodec(),
    logger: options.logger,
    deadLetter,
    repairStranded: bool(options.repairStranded, 'repairStranded'),
    metricsRegistry: options.metricsRegistry,
  };
}

function bool(value: unknown, option: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    throw new JetbusConfigError(option, `must be true or false, got ${JSON.stringify(value)}`);
  return value;
}
