import { type Type } from '@nestjs/common';
import {
  booleanOption,
  checkOptions,
  integerOption,
  isName,
  isSubject,
  optionNames,
  optionPath,
  positiveInteger,
  shown,
} from '../config';
import { type DeadLetterTarget } from '../dead-letter/dead-letter.sink';
import { type ResolvedLanes } from '../lanes/lane-options';
import { JetbusConfigError } from '../errors';
import { lanesCombined, parseFairness, parsePriorities, resolveLanes } from '../lanes/lane-options';
import { parseRateLimit } from '../rate-limit/rate-limit.options';
import { type BackoffOptions, createBackoff } from '../retry';
import { parseDurationAtLeast } from '../retry/duration';
import {
  type IdempotencyOptions,
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
  deadLetterCancelled: false,
} as const satisfies JobHandlerOptions;

const HANDLER_OPTIONS = optionNames<JobHandlerOptions>({
  durable: true,
  stream: true,
  concurrency: true,
  prefetch: true,
  maxAttempts: true,
  crashLimit: true,
  maxInFlight: true,
  ackWait: true,
  backoff: true,
  timeout: true,
  dto: true,
  validate: true,
  confirmAck: true,
  deadLetter: true,
  idempotency: true,
  priorities: true,
  fairness: true,
  rateLimit: true,
  deadLetterCancelled: true,
});
const IDEMPOTENCY_OPTIONS = optionNames<IdempotencyOptions>({ key: true, ttl: true });
const DEAD_LETTER_TARGET_OPTIONS = optionNames<DeadLetterTarget>({ stream: true, subjectPrefix: true });

/** One options object checked and converted (durations in ms); options it does not give stay absent. */
type ParsedJobHandlerOptions = Partial<ResolvedJobHandlerOptions> & {
  priorities?: ResolvedLanes;
  fairness?: ResolvedLanes;
};

const NAME_RULE = '(no spaces, . * > / \\)';

/**
 * The one validation of a `JobHandlerOptions` object: a handler's own (`path` names the handler) or
 * the module's `handlerDefaults`. Checks every key and type. A key given as `undefined` is kept, so
 * it still overrides a module default the way an object spread does.
 */
export function parseJobHandlerOptions(value: unknown, path: string): ParsedJobHandlerOptions {
  const o = checkOptions(value, path, HANDLER_OPTIONS);
  const at = (name: keyof JobHandlerOptions) => optionPath(path, name);
  const given = (name: keyof JobHandlerOptions) => name in o;
  const parsed: ParsedJobHandlerOptions = {};
  if (given('durable')) {
    if (o.durable !== undefined && (typeof o.durable !== 'string' || !isValidDurableName(o.durable))) {
      throw new JetbusConfigError(
        at('durable'),
        `${shown(o.durable)} is not a valid consumer name ${NAME_RULE}`,
      );
    }
    parsed.durable = o.durable;
  }
  if (given('stream')) {
    if (o.stream !== undefined && !isName(o.stream)) {
      throw new JetbusConfigError(at('stream'), `must be a stream name ${NAME_RULE}, got ${shown(o.stream)}`);
    }
    parsed.stream = o.stream;
  }
  if (given('concurrency')) parsed.concurrency = positiveInteger(o.concurrency, at('concurrency'));
  if (given('prefetch')) parsed.prefetch = positiveInteger(o.prefetch, at('prefetch'));
  if (given('maxAttempts')) {
    parsed.maxAttempts =
      o.maxAttempts === Infinity
        ? Infinity
        : integerOption(o.maxAttempts, at('maxAttempts'), 'a positive integer or Infinity', (n) => n >= 1);
  }
  if (given('crashLimit')) {
    parsed.crashLimit = integerOption(
      o.crashLimit,
      at('crashLimit'),
      '0 or a positive integer',
      (n) => n >= 0,
    );
  }
  if (given('maxInFlight')) parsed.maxInFlight = positiveInteger(o.maxInFlight, at('maxInFlight'));
  if (given('ackWait')) parsed.ackWaitMs = parseDurationAtLeast(o.ackWait, at('ackWait'), 1000);
  if (given('backoff')) {
    // validated now rather than on the first failure
    if (o.backoff !== undefined) createBackoff(o.backoff as BackoffOptions, at('backoff'));
    parsed.backoff = o.backoff as BackoffOptions | undefined;
  }
  if (given('timeout')) parsed.timeoutMs = parseDurationAtLeast(o.timeout, at('timeout'), 1);
  if (given('dto')) {
    // a class has a prototype; an arrow function, a string or an instance does not pass
    if (o.dto !== undefined && (typeof o.dto !== 'function' || o.dto.prototype === undefined)) {
      throw new JetbusConfigError(at('dto'), `must be a class (a DTO), got ${shown(o.dto)}`);
    }
    parsed.dto = o.dto as Type<object> | undefined;
  }
  if (given('validate')) parsed.validate = booleanOption(o.validate, at('validate'));
  if (given('confirmAck')) parsed.confirmAck = booleanOption(o.confirmAck, at('confirmAck'));
  if (given('deadLetter')) parsed.deadLetter = parseDeadLetterTarget(o.deadLetter, at('deadLetter'));
  if (given('idempotency')) parsed.idempotency = parseIdempotency(o.idempotency, at('idempotency'));
  if (given('priorities')) parsed.priorities = parsePriorities(o.priorities, at('priorities'));
  if (given('fairness')) parsed.fairness = parseFairness(o.fairness, at('fairness'));
  // Here too, not only once merged: `handlerDefaults` with both fails before anything connects.
  if (parsed.priorities && parsed.fairness) throw lanesCombined(at('fairness'));
  if (given('rateLimit')) parsed.rateLimit = parseRateLimit(o.rateLimit, at('rateLimit'));
  if (given('deadLetterCancelled'))
    parsed.deadLetterCancelled = booleanOption(o.deadLetterCancelled, at('deadLetterCancelled'));
  return parsed;
}

const BUILT_IN = parseJobHandlerOptions(JOB_HANDLER_DEFAULTS, 'JOB_HANDLER_DEFAULTS') as Pick<
  ResolvedJobHandlerOptions,
  | 'concurrency'
  | 'maxAttempts'
  | 'crashLimit'
  | 'maxInFlight'
  | 'ackWaitMs'
  | 'backoff'
  | 'validate'
  | 'confirmAck'
  | 'deadLetterCancelled'
>;

/**
 * Merges handler options over module defaults over built-in defaults, each object validated once by
 * `parseJobHandlerOptions`, then checks what only the merged options show (prefetch and maxInFlight
 * against concurrency). `where` (e.g. `OrderJobs.reserve`) prefixes option names so the error
 * points at the handler.
 */
export function resolveJobHandlerOptions(
  subject: string,
  serviceName: string,
  options: JobHandlerOptions,
  defaults: JobHandlerOptions,
  where: string,
): ResolvedJobHandlerOptions {
  const at = (name: string) => optionPath(where, name);
  if (!isSubject(subject)) {
    throw new JetbusConfigError(
      at('subject'),
      `must be a NATS subject like "orders.created", got ${shown(subject)}`,
    );
  }
  const fromDefaults = parseJobHandlerOptions(defaults ?? {}, 'handlerDefaults');
  const own = parseJobHandlerOptions(options ?? {}, where);
  const o = { ...fromDefaults, ...own };
  const origin = (key: keyof ParsedJobHandlerOptions) => (key in own ? '' : ' (from handlerDefaults)');

  const durable = o.durable ?? deriveDurableName(serviceName, subject);
  if (!isValidDurableName(durable)) {
    throw new JetbusConfigError(at('durable'), `"${durable}" is not a valid consumer name ${NAME_RULE}`);
  }
  const concurrency = o.concurrency ?? BUILT_IN.concurrency;
  const prefetch = o.prefetch ?? concurrency;
  if (prefetch < concurrency) {
    throw new JetbusConfigError(
      at('prefetch'),
      `${prefetch}${origin('prefetch')} is below concurrency ${concurrency}: no more than ${prefetch} ` +
        'handlers could ever run at once; raise prefetch or lower concurrency',
    );
  }
  const maxInFlight = o.maxInFlight ?? BUILT_IN.maxInFlight;
  if (maxInFlight < concurrency) {
    throw new JetbusConfigError(
      at('maxInFlight'),
      `${maxInFlight}${origin('maxInFlight')} is below concurrency ${concurrency}: the server never hands ` +
        `out more than ${maxInFlight} unacked jobs across all instances, so lower concurrency to ${maxInFlight} as well`,
    );
  }
  return {
    durable,
    stream: o.stream,
    concurrency,
    prefetch,
    maxAttempts: o.maxAttempts ?? BUILT_IN.maxAttempts,
    crashLimit: o.crashLimit ?? BUILT_IN.crashLimit,
    maxInFlight,
    ackWaitMs: o.ackWaitMs ?? BUILT_IN.ackWaitMs,
    backoff: o.backoff ?? BUILT_IN.backoff,
    timeoutMs: o.timeoutMs,
    dto: o.dto,
    validate: o.validate ?? BUILT_IN.validate,
    confirmAck: o.confirmAck ?? BUILT_IN.confirmAck,
    deadLetter: o.deadLetter,
    idempotency: o.idempotency,
    lanes: resolveLanes(subject, o.priorities, o.fairness, at, {
      priorities: origin('priorities'),
      fairness: origin('fairness'),
    }),
    rateLimit: o.rateLimit,
    deadLetterCancelled: o.deadLetterCancelled ?? BUILT_IN.deadLetterCancelled,
  };
}

function parseDeadLetterTarget(value: unknown, path: string): DeadLetterTarget | false | undefined {
  if (value === undefined || value === false) return value;
  const { stream, subjectPrefix } = checkOptions(
    value,
    path,
    DEAD_LETTER_TARGET_OPTIONS,
    'an object { stream, subjectPrefix } or false',
  );
  if (!isName(stream)) {
    throw new JetbusConfigError(optionPath(path, 'stream'), `must be a stream name, got ${shown(stream)}`);
  }
  if (!isSubject(subjectPrefix, false)) {
    throw new JetbusConfigError(
      optionPath(path, 'subjectPrefix'),
      `must be subject tokens without wildcards, got ${shown(subjectPrefix)}`,
    );
  }
  return { stream, subjectPrefix };
}

function parseIdempotency(value: unknown, path: string): ResolvedIdempotency | undefined {
  if (value === undefined) return undefined;
  const o = checkOptions(value, path, IDEMPOTENCY_OPTIONS, 'an object: { key?, ttl? }');
  const { key } = o;
  if (
    key !== undefined &&
    typeof key !== 'function' &&
    (typeof key !== 'string' || !/^[!-9;-~]+$/.test(key))
  ) {
    throw new JetbusConfigError(
      optionPath(path, 'key'),
      `must be a header name or a function, got ${shown(key)}`,
    );
  }
  const ttlMs = parseDurationAtLeast(o.ttl ?? '24h', optionPath(path, 'ttl'), 1000) as number;
  return { key: key as ResolvedIdempotency['key'], ttlMs };
}
