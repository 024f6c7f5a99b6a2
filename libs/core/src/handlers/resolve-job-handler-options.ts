import { JetbusConfigError } from '../errors';
import { createBackoff, parseDuration } from '../retry';
import {
  type JobHandlerOptions,
  type ResolvedIdempotency,
  type ResolvedJobHandlerOptions,
} from './job-handler.options';
import { deriveDurableName, isValidDurableName } from './durable-name';

export const JOB_HANDLER_DEFAULTS = {
  concurrency: 8,
  maxAttempts: 5,
  crashLimit: 2,
  maxInFlight: 1000,
  ackWait: '30s',
  backoff: { type: 'exponential', delay: '1s', factor: 2, maxDelay: '5m', jitter: 0.2 },
  validate: true,
  confirmAck: false,
} as const satisfies JobHandlerOptions;

function positiveInt(value: number, option: string, allowInfinity = false): number {
  if (allowInfinity && value === Infinity) return value;
  if (!Number.isInteger(value) || value < 1) {
    throw new JetbusConfigError(option, `must be a positive integer, got ${value}`);
  }
  return value;
}

function nonNegativeInt(value: number, option: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new JetbusConfigError(option, `must be 0 or a positive integer, got ${value}`);
  }
  return value;
}

/**
 * Merges handler options over module defaults over built-in defaults and validates them once.
 * `where` (e.g. `OrderJobs.reserve`) prefixes option names so the error points at the handler.
 */
export function resolveJobHandlerOptions(
  subject: string,
  serviceName: string,
  options: JobHandlerOptions,
  defaults: JobHandlerOptions,
  where: string,
): ResolvedJobHandlerOptions {
  const o = { ...JOB_HANDLER_DEFAULTS, ...defaults, ...options };
  const at = (name: string) => `${where}.${name}`;
  if (typeof subject !== 'string' || !/^[^\s]+$/.test(subject) || subject.split('.').some((t) => t === '')) {
    throw new JetbusConfigError(
      at('subject'),
      `must be a NATS subject like "orders.created", got "${subject}"`,
    );
  }
  const durable = o.durable ?? deriveDurableName(serviceName, subject);
  if (!isValidDurableName(durable)) {
    throw new JetbusConfigError(
      at('durable'),
      `"${durable}" is not a valid consumer name (no spaces, . * > / \\)`,
    );
  }
  const concurrency = positiveInt(o.concurrency, at('concurrency'));
  const ackWaitMs = parseDuration(o.ackWait, at('ackWait'));
  if (ackWaitMs < 1000)
    throw new JetbusConfigError(at('ackWait'), `must be at least 1s, got ${ackWaitMs} ms`);
  createBackoff(o.backoff, at('backoff')); // validates now rather than on the first failure
  const dl = o.deadLetter;
  if (dl !== undefined && dl !== false) {
    if (typeof dl?.stream !== 'string' || !isValidDurableName(dl.stream)) {
      throw new JetbusConfigError(
        at('deadLetter.stream'),
        `must be a stream name, got ${JSON.stringify(dl?.stream)}`,
      );
    }
    if (
      typeof dl.subjectPrefix !== 'string' ||
      !/^[^\s*>]+$/.test(dl.subjectPrefix) ||
      dl.subjectPrefix.split('.').includes('')
    ) {
      throw new JetbusConfigError(
        at('deadLetter.subjectPrefix'),
        `must be subject tokens without wildcards, got ${JSON.stringify(dl.subjectPrefix)}`,
      );
    }
  }
  return {
    durable,
    stream: o.stream,
    concurrency,
    prefetch: positiveInt(o.prefetch ?? concurrency, at('prefetch')),
    maxAttempts: positiveInt(o.maxAttempts, at('maxAttempts'), true),
    crashLimit: nonNegativeInt(o.crashLimit, at('crashLimit')),
    maxInFlight: positiveInt(o.maxInFlight, at('maxInFlight')),
    ackWaitMs,
    backoff: o.backoff,
    timeoutMs: o.timeout === undefined ? undefined : parseDuration(o.timeout, at('timeout')),
    dto: o.dto,
    validate: o.validate,
    confirmAck: o.confirmAck,
    deadLetter: dl,
    idempotency: resolveIdempotency(o.idempotency, at('idempotency')),
  };
}

function resolveIdempotency(
  value: JobHandlerOptions['idempotency'],
  where: string,
): ResolvedIdempotency | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null)
    throw new JetbusConfigError(where, 'must be an object: { key?, ttl? }');
  const { key } = value;
  if (key !== undefined && typeof key !== 'function' && (typeof key !== 'string' || !/^[!-9;-~]+$/.test(key)))
    throw new JetbusConfigError(
      `${where}.key`,
      `must be a header name or a function, got ${JSON.stringify(key)}`,
    );
  const ttlMs = parseDuration(value.ttl ?? '24h', `${where}.ttl`);
  if (ttlMs < 1000) throw new JetbusConfigError(`${where}.ttl`, `must be at least 1s, got ${ttlMs} ms`);
  return { key, ttlMs };
}
