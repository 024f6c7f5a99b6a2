import { JetbusConfigError } from '../errors';
import { type JobHandlerOptions } from '../handlers/job-handler.options';
import { resolveJobHandlerOptions } from '../handlers/resolve-job-handler-options';
import { resolveModuleOptions } from './resolve-module-options';

/**
 * Every bad option fails at startup as a JetbusConfigError naming the option's exact path, never as
 * a raw TypeError from deep inside jetbus or nats.js; typos get a did-you-mean.
 */

const base = { servers: 'nats://127.0.0.1:4222', name: 'orders' };
const stream = { name: 'ORDERS', subjects: ['orders.>'] };
const WHERE = '@JobHandler("orders.created") on OrderJobs.reserve';

const forRoot = (options: object) => () => resolveModuleOptions({ ...base, ...options } as never);
const withStream = (options: object) => forRoot({ streams: [{ ...stream, ...options }] });
const withDeadLetter = (options: unknown) => forRoot({ deadLetter: options });
const handler =
  (options: unknown, defaults: unknown = {}) =>
  () =>
    resolveJobHandlerOptions('orders.created', 'orders', options as never, defaults as never, WHERE);
/** handlerDefaults are checked when the module options are resolved, before any handler exists. */
const defaults = (options: unknown) => forRoot({ handlerDefaults: options });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

const codec = { contentType: 'application/json', encode: () => new Uint8Array(), decode: () => null };

// [what, attempt, exact option path, text the message must contain (optional)]
const rows: [string, () => unknown, string, string?][] = [
  // forRoot: unknown keys, with and without a near miss
  ['typo streamz', forRoot({ streamz: [] }), 'streamz', 'did you mean "streams"?'],
  ['typo deadletter (case)', forRoot({ deadletter: false }), 'deadletter', 'did you mean "deadLetter"?'],
  ['typo server', forRoot({ server: 'nats://x' }), 'server', 'did you mean "servers"?'],
  [
    'typo handlerDefault',
    forRoot({ handlerDefault: {} }),
    'handlerDefault',
    'did you mean "handlerDefaults"?',
  ],
  ['typo publishTimout', forRoot({ publishTimout: '1s' }), 'publishTimout', 'did you mean "publishTimeout"?'],
  ['unrelated key', forRoot({ colour: 'blue' }), 'colour', 'the options here are servers, name,'],
  // forRoot: types and values
  ['no options', () => resolveModuleOptions(undefined as never), 'options', 'got undefined'],
  ['options array', () => resolveModuleOptions([] as never), 'options', 'got an array'],
  ['servers number', forRoot({ servers: 4222 }), 'servers', 'got 4222'],
  ['servers object', forRoot({ servers: { url: 'x' } }), 'servers', 'got an object'],
  ['servers blank entry', forRoot({ servers: ['nats://a:4222', ''] }), 'servers[1]'],
  ['servers non-string entry', forRoot({ servers: ['nats://a:4222', 4222] }), 'servers[1]', 'got 4222'],
  ['name number', forRoot({ name: 7 }), 'name', 'got 7'],
  ['name with dot', forRoot({ name: 'orders.v2' }), 'name'],
  ['credsFile boolean', forRoot({ credsFile: true }), 'credsFile', 'got true'],
  ['authenticator string', forRoot({ authenticator: 'token' }), 'authenticator', 'nats.js Authenticator'],
  ['credsFile and authenticator', forRoot({ credsFile: 'a.creds', authenticator: () => ({}) }), 'credsFile'],
  ['tls boolean', forRoot({ tls: true }), 'tls', 'got true'],
  ['tls typo caFiel', forRoot({ tls: { caFiel: 'ca.pem' } }), 'tls.caFiel', 'did you mean "caFile"?'],
  ['tls certFile number', forRoot({ tls: { certFile: 1 } }), 'tls.certFile'],
  ['inboxPrefix with space', forRoot({ inboxPrefix: 'a b' }), 'inboxPrefix', 'reply-subject prefix'],
  ['inboxPrefix wildcard', forRoot({ inboxPrefix: '_INBOX.>' }), 'inboxPrefix'],
  ['inboxPrefix number', forRoot({ inboxPrefix: 5 }), 'inboxPrefix'],
  [
    'streams object',
    forRoot({ streams: {} }),
    'streams',
    'must be an array of stream options, got an object',
  ],
  ['connectTimeout zero', forRoot({ connectTimeout: 0 }), 'connectTimeout', 'more than 0'],
  ['connectTimeout "0s"', forRoot({ connectTimeout: '0s' }), 'connectTimeout', 'more than 0'],
  ['publishTimeout zero', forRoot({ publishTimeout: 0 }), 'publishTimeout', 'more than 0'],
  ['publishTimeout boolean', forRoot({ publishTimeout: true }), 'publishTimeout', 'got true'],
  ['reconnectTimeWait negative', forRoot({ reconnectTimeWait: -1 }), 'reconnectTimeWait'],
  ['shutdownGracePeriod object', forRoot({ shutdownGracePeriod: { s: 1 } }), 'shutdownGracePeriod'],
  ['maxReconnectAttempts -2', forRoot({ maxReconnectAttempts: -2 }), 'maxReconnectAttempts'],
  ['maxReconnectAttempts string', forRoot({ maxReconnectAttempts: '3' }), 'maxReconnectAttempts', 'got "3"'],
  ['publishWindow 1.5', forRoot({ publishWindow: 1.5 }), 'publishWindow'],
  ['repairStranded string', forRoot({ repairStranded: 'yes' }), 'repairStranded', 'true or false'],
  ['heartbeat true', forRoot({ heartbeat: true }), 'heartbeat', 'an object { interval? } or false'],
  ['heartbeat number', forRoot({ heartbeat: 5000 }), 'heartbeat', 'got 5000'],
  [
    'heartbeat typo intervall',
    forRoot({ heartbeat: { intervall: '5s' } }),
    'heartbeat.intervall',
    'did you mean "interval"?',
  ],
  [
    'heartbeat interval 50ms',
    forRoot({ heartbeat: { interval: '50ms' } }),
    'heartbeat.interval',
    'at least 100ms',
  ],
  [
    'heartbeat interval word',
    forRoot({ heartbeat: { interval: 'often' } }),
    'heartbeat.interval',
    'got "often"',
  ],
  ['heartbeat interval negative', forRoot({ heartbeat: { interval: -1 } }), 'heartbeat.interval'],
  [
    'scheduling true',
    forRoot({ scheduling: true }),
    'scheduling',
    'an object { stream?, replicas?, release? }',
  ],
  [
    'scheduling typo strem',
    forRoot({ scheduling: { strem: 'S' } }),
    'scheduling.strem',
    'did you mean "stream"?',
  ],
  ['scheduling stream with dot', forRoot({ scheduling: { stream: 'JETBUS.S' } }), 'scheduling.stream'],
  ['cancellation string', forRoot({ cancellation: 'yes' }), 'cancellation'],
  ['cancellation ttl too short', forRoot({ cancellation: { ttl: '10ms' } }), 'cancellation.ttl'],
  ['scheduling replicas 9', forRoot({ scheduling: { replicas: 9 } }), 'scheduling.replicas', 'from 1 to 5'],
  [
    'scheduling release string',
    forRoot({ scheduling: { release: 'no' } }),
    'scheduling.release',
    'true or false',
  ],
  ['codec empty', forRoot({ codec: {} }), 'codec.contentType'],
  ['codec string', forRoot({ codec: 'json' }), 'codec', 'got "json"'],
  ['codec without decode', forRoot({ codec: { ...codec, decode: undefined } }), 'codec.decode'],
  ['codec encode not a function', forRoot({ codec: { ...codec, encode: 'utf8' } }), 'codec.encode'],
  ['logger level string', forRoot({ logger: 'debug' }), 'logger', 'JETBUS_LOG_LEVEL'],
  ['logger true', forRoot({ logger: true }), 'logger', 'pino logger or false'],
  ['logger without child', forRoot({ logger: { info() {}, warn() {}, error() {}, debug() {} } }), 'logger'],
  ['metricsRegistry object', forRoot({ metricsRegistry: {} }), 'metricsRegistry', 'prom-client Registry'],
  ['handlerDefaults array', defaults([]), 'handlerDefaults'],

  // streams[]
  [
    'stream typo retension',
    withStream({ retension: 'workqueue' }),
    'streams[0].retension',
    'did you mean "retention"?',
  ],
  ['stream typo subject', withStream({ subject: 'x' }), 'streams[0].subject', 'did you mean "subjects"?'],
  ['stream typo max_age', withStream({ max_age: 0 }), 'streams[0].max_age', 'did you mean "maxAge"?'],
  ['stream entry string', forRoot({ streams: ['ORDERS'] }), 'streams[0]', 'got "ORDERS"'],
  ['second stream null', forRoot({ streams: [stream, null] }), 'streams[1]', 'got null'],
  ['stream name missing', forRoot({ streams: [{ subjects: ['a'] }] }), 'streams[0].name', 'got undefined'],
  [
    'stream subjects string',
    withStream({ subjects: 'orders.>' }),
    'streams[0].subjects',
    'an array of subjects',
  ],
  ['stream subject number', withStream({ subjects: ['orders.>', 7] }), 'streams[0].subjects[1]'],
  ['stream subject with space', withStream({ subjects: ['orders created'] }), 'streams[0].subjects[0]'],
  ['stream subject > not last', withStream({ subjects: ['orders.>.x'] }), 'streams[0].subjects[0]'],
  ['stream retention fifo', withStream({ retention: 'fifo' }), 'streams[0].retention', 'got "fifo"'],
  ['stream storage boolean', withStream({ storage: true }), 'streams[0].storage', 'got true'],
  ['stream replicas string', withStream({ replicas: '3' }), 'streams[0].replicas', 'got "3"'],
  ['stream maxAge boolean', withStream({ maxAge: true }), 'streams[0].maxAge', 'got true'],
  ['stream maxBytes string', withStream({ maxBytes: '1GB' }), 'streams[0].maxBytes'],
  ['stream maxMsgSize zero', withStream({ maxMsgSize: 0 }), 'streams[0].maxMsgSize'],
  ['stream discard drop', withStream({ discard: 'drop' }), 'streams[0].discard'],
  [
    'stream duplicateWindow zero',
    withStream({ duplicateWindow: 0 }),
    'streams[0].duplicateWindow',
    'at least 100ms',
  ],
  ['stream maxAge 50ms', withStream({ maxAge: 50 }), 'streams[0].maxAge', 'at least 100ms'],
  [
    'stream duplicateWindow over maxAge',
    withStream({ maxAge: '1m', duplicateWindow: '5m' }),
    'streams[0].duplicateWindow',
    'longer than maxAge',
  ],
  [
    'stream named as the DLQ',
    withStream({ name: 'JETBUS_DLQ' }),
    'streams[0].name',
    "dead-letter stream's name",
  ],

  // deadLetter
  ['deadLetter true', withDeadLetter(true), 'deadLetter', 'an object or false'],
  [
    'deadLetter typo reeper',
    withDeadLetter({ reeper: false }),
    'deadLetter.reeper',
    'did you mean "reaper"?',
  ],
  [
    'deadLetter typo subjectprefix',
    withDeadLetter({ subjectprefix: 'x' }),
    'deadLetter.subjectprefix',
    'did you mean "subjectPrefix"?',
  ],
  ['deadLetter stream with dot', withDeadLetter({ stream: 'DLQ.V2' }), 'deadLetter.stream'],
  ['deadLetter stream number', withDeadLetter({ stream: 1 }), 'deadLetter.stream'],
  [
    'deadLetter subjectPrefix wildcard',
    withDeadLetter({ subjectPrefix: 'dlq.*' }),
    'deadLetter.subjectPrefix',
  ],
  ['deadLetter subjectPrefix number', withDeadLetter({ subjectPrefix: 5 }), 'deadLetter.subjectPrefix'],
  ['deadLetter maxAge boolean', withDeadLetter({ maxAge: false }), 'deadLetter.maxAge'],
  ['deadLetter maxAge 10ms', withDeadLetter({ maxAge: '10ms' }), 'deadLetter.maxAge', 'at least 100ms'],
  ['deadLetter replicas 0', withDeadLetter({ replicas: 0 }), 'deadLetter.replicas'],
  ['deadLetter reaper string', withDeadLetter({ reaper: 'no' }), 'deadLetter.reaper', 'true or false'],
  [
    'deadLetter onDeadLetter string',
    withDeadLetter({ onDeadLetter: 'log' }),
    'deadLetter.onDeadLetter',
    'a function',
  ],

  // @JobHandler options
  [
    'handler typo concurency',
    handler({ concurency: 4 }),
    `${WHERE}.concurency`,
    'did you mean "concurrency"?',
  ],
  [
    'handler typo maxAttemps',
    handler({ maxAttemps: 3 }),
    `${WHERE}.maxAttemps`,
    'did you mean "maxAttempts"?',
  ],
  ['handler typo ackwait', handler({ ackwait: '1m' }), `${WHERE}.ackwait`, 'did you mean "ackWait"?'],
  ['handler typo retries', handler({ retries: 3 }), `${WHERE}.retries`],
  ['handler options not an object', handler('fast'), WHERE, 'got "fast"'],
  ['handler concurrency string', handler({ concurrency: '4' }), `${WHERE}.concurrency`, 'got "4"'],
  ['handler concurrency zero', handler({ concurrency: 0 }), `${WHERE}.concurrency`],
  [
    'handler prefetch below concurrency',
    handler({ concurrency: 8, prefetch: 4 }),
    `${WHERE}.prefetch`,
    'below concurrency 8',
  ],
  [
    'prefetch from defaults below concurrency',
    handler({ concurrency: 8 }, { prefetch: 2 }),
    `${WHERE}.prefetch`,
    '(from handlerDefaults)',
  ],
  [
    'handler maxInFlight below concurrency',
    handler({ maxInFlight: 4 }),
    `${WHERE}.maxInFlight`,
    'below concurrency 8',
  ],
  ['handler maxInFlight string', handler({ maxInFlight: '100' }), `${WHERE}.maxInFlight`],
  ['handler maxAttempts NaN', handler({ maxAttempts: NaN }), `${WHERE}.maxAttempts`],
  ['handler maxAttempts -Infinity', handler({ maxAttempts: -Infinity }), `${WHERE}.maxAttempts`],
  ['handler crashLimit boolean', handler({ crashLimit: false }), `${WHERE}.crashLimit`],
  ['handler ackWait boolean', handler({ ackWait: true }), `${WHERE}.ackWait`, 'got true'],
  ['handler ackWait 999ms', handler({ ackWait: 999 }), `${WHERE}.ackWait`, 'at least 1s'],
  ['handler timeout zero', handler({ timeout: 0 }), `${WHERE}.timeout`, 'more than 0'],
  ['handler timeout "0ms"', handler({ timeout: '0ms' }), `${WHERE}.timeout`, 'more than 0'],
  ['handler dto string', handler({ dto: 'string' }), `${WHERE}.dto`, 'must be a class'],
  ['handler dto arrow function', handler({ dto: () => ({}) }), `${WHERE}.dto`, 'must be a class'],
  ['handler validate string', handler({ validate: 'yes' }), `${WHERE}.validate`],
  ['handler confirmAck number', handler({ confirmAck: 1 }), `${WHERE}.confirmAck`],
  [
    'handler deadLetterCancelled string',
    handler({ deadLetterCancelled: 'yes' }),
    `${WHERE}.deadLetterCancelled`,
  ],
  ['handler durable number', handler({ durable: 42 }), `${WHERE}.durable`],
  ['handler stream with dot', handler({ stream: 'ORDERS.V2' }), `${WHERE}.stream`],
  ['handler deadLetter true', handler({ deadLetter: true }), `${WHERE}.deadLetter`, 'or false'],
  [
    'handler deadLetter typo prefix',
    handler({ deadLetter: { stream: 'DLQ', prefix: 'dlq' } }),
    `${WHERE}.deadLetter.prefix`,
  ],
  [
    'handler deadLetter subjectPrefix missing',
    handler({ deadLetter: { stream: 'DLQ' } }),
    `${WHERE}.deadLetter.subjectPrefix`,
  ],
  [
    'bad subject',
    () => resolveJobHandlerOptions('orders..created', 'orders', {}, {}, WHERE),
    `${WHERE}.subject`,
  ],

  // backoff (handler's own and handlerDefaults')
  ['backoff string', handler({ backoff: 'exponential' }), `${WHERE}.backoff`, 'or a function'],
  [
    'backoff typo dealy',
    handler({ backoff: { type: 'fixed', dealy: '1s' } }),
    `${WHERE}.backoff.dealy`,
    'did you mean "delay"?',
  ],
  [
    'backoff typo maxdelay',
    handler({ backoff: { type: 'exponential', maxdelay: '1m' } }),
    `${WHERE}.backoff.maxdelay`,
    'did you mean "maxDelay"?',
  ],
  [
    'backoff factor on fixed',
    handler({ backoff: { type: 'fixed', delay: 1, factor: 2 } }),
    `${WHERE}.backoff.factor`,
  ],
  ['backoff type linear', handler({ backoff: { type: 'linear' } }), `${WHERE}.backoff.type`, 'got "linear"'],
  [
    'backoff fixed without delay',
    handler({ backoff: { type: 'fixed' } }),
    `${WHERE}.backoff.delay`,
    'is required',
  ],
  [
    'backoff delay boolean',
    handler({ backoff: { type: 'fixed', delay: true } }),
    `${WHERE}.backoff.delay`,
    'got true',
  ],
  [
    'backoff factor string',
    handler({ backoff: { type: 'exponential', factor: '2' } }),
    `${WHERE}.backoff.factor`,
  ],
  [
    'backoff jitter string',
    handler({ backoff: { type: 'exponential', jitter: '0.1' } }),
    `${WHERE}.backoff.jitter`,
  ],
  [
    'backoff list delays string',
    handler({ backoff: { type: 'list', delays: '1s,2s' } }),
    `${WHERE}.backoff.delays`,
  ],
  [
    'backoff list bad entry',
    handler({ backoff: { type: 'list', delays: ['1s', null] } }),
    `${WHERE}.backoff.delays[1]`,
    'got null',
  ],

  // idempotency
  ['idempotency true', handler({ idempotency: true }), `${WHERE}.idempotency`],
  [
    'idempotency typo tll',
    handler({ idempotency: { tll: '1h' } }),
    `${WHERE}.idempotency.tll`,
    'did you mean "ttl"?',
  ],
  ['idempotency key number', handler({ idempotency: { key: 5 } }), `${WHERE}.idempotency.key`],
  [
    'idempotency ttl boolean',
    handler({ idempotency: { ttl: true } }),
    `${WHERE}.idempotency.ttl`,
    'got true',
  ],

  // handlerDefaults, checked once at forRoot with their own path
  [
    'handlerDefaults typo concurency',
    defaults({ concurency: 4 }),
    'handlerDefaults.concurency',
    'did you mean "concurrency"?',
  ],
  ['handlerDefaults ackWait boolean', defaults({ ackWait: false }), 'handlerDefaults.ackWait'],
  [
    'handlerDefaults backoff typo',
    defaults({ backoff: { type: 'fixed', delay: 1, jiter: 0.1 } }),
    'handlerDefaults.backoff.jiter',
    'did you mean "jitter"?',
  ],
  [
    'handlerDefaults idempotency typo',
    defaults({ idempotency: { keys: 'X-Id' } }),
    'handlerDefaults.idempotency.keys',
    'did you mean "key"?',
  ],
  ['handlerDefaults in a handler', handler({}, { maxAttempts: 0 }), 'handlerDefaults.maxAttempts'],

  // priorities and fairness exclude each other (the type says so too): one object, or merged
  [
    'priorities and fairness on one handler',
    handler({ priorities: true, fairness: true }),
    `${WHERE}.fairness`,
    'cannot be combined with priorities on one handler: a lane is a priority or a group, not both',
  ],
  [
    'priorities and fairness in handlerDefaults',
    defaults({ priorities: { high: 5 }, fairness: { maxGroups: 5 } }),
    'handlerDefaults.fairness',
    'cannot be combined with priorities on one handler',
  ],
  [
    'fairness on a handler, priorities from handlerDefaults',
    handler({ fairness: true }, { priorities: true }),
    `${WHERE}.fairness`,
    'fairness cannot be combined with priorities (from handlerDefaults) on one handler: a lane is a ' +
      'priority or a group, not both; choose one (or set the one from handlerDefaults to undefined on this handler)',
  ],
  [
    'priorities on a handler, fairness from handlerDefaults',
    handler({ priorities: true }, { fairness: true }),
    `${WHERE}.fairness`,
    'fairness (from handlerDefaults) cannot be combined with priorities on one handler',
  ],
];

describe('bad options', () => {
  it('has at least 60 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(60);
  });

  // each row as [what, option, text, attempt]: the title shows the path, and a fourth argument that
  // is always given keeps jest from reading it as a done callback
  const table = rows.map(([what, attempt, option, text]) => [what, option, text ?? '', attempt] as const);
  it.each(table)('%s → JetbusConfigError naming %s', (_what, option, text, attempt) => {
    const e = thrown(attempt);
    expect(e).toBeInstanceOf(JetbusConfigError);
    expect((e as JetbusConfigError).option).toBe(option);
    expect((e as JetbusConfigError).message).toContain(`invalid option "${option}"`);
    if (text) expect((e as JetbusConfigError).message).toContain(text);
  });
});

describe('valid edge cases', () => {
  class OrderDto {}

  it.each<[string, () => unknown]>([
    ['servers as one string', forRoot({})],
    ['an explicitly undefined optional key', forRoot({ streams: undefined, logger: undefined })],
    ['deadLetter false and logger false', forRoot({ deadLetter: false, logger: false })],
    [
      'reconnectTimeWait and shutdownGracePeriod 0',
      forRoot({ reconnectTimeWait: 0, shutdownGracePeriod: 0 }),
    ],
    ['stream maxAge 0 and limits -1', withStream({ maxAge: 0, maxMsgs: -1, maxBytes: -1 })],
    [
      'a codec class instance',
      forRoot({
        codec: new (class {
          contentType = 'text/plain';
          encode() {
            return new Uint8Array();
          }
          decode() {
            return '';
          }
        })(),
      }),
    ],
    ['tls with PEM strings', forRoot({ tls: { ca: '-----BEGIN CERTIFICATE-----' } })],
    ['inboxPrefix with tokens', forRoot({ inboxPrefix: '_INBOX_orders.replies' })],
    ['maxAttempts Infinity, crashLimit 0', handler({ maxAttempts: Infinity, crashLimit: 0 })],
    ['prefetch above concurrency', handler({ concurrency: 4, prefetch: 256 })],
    ['maxInFlight equal to concurrency', handler({ concurrency: 1, maxInFlight: 1 })],
    ['a DTO class and a function backoff', handler({ dto: OrderDto, backoff: () => 10 })],
    ['fixed backoff of 0 (retry at once)', handler({ backoff: { type: 'fixed', delay: 0 } })],
    ['idempotency key function', handler({ idempotency: { key: (p: unknown) => String(p) } })],
    [
      'handler deadLetter false over a default target',
      handler({ deadLetter: false }, { deadLetter: { stream: 'DLQ', subjectPrefix: 'dlq' } }),
    ],
    [
      'fairness on a handler, priorities from handlerDefaults set to undefined',
      handler({ fairness: true, priorities: undefined }, { priorities: true }),
    ],
  ])('%s', (_what, attempt) => {
    expect(thrown(attempt)).toBeUndefined();
  });

  it('keeps the duplicate window within a short maxAge when it is not set', () => {
    expect(
      resolveModuleOptions({ ...base, streams: [{ ...stream, maxAge: '30s' }] }).streams[0].duplicateWindowMs,
    ).toBe(30_000);
    const dl = resolveModuleOptions({ ...base, deadLetter: { maxAge: '10m' } }).deadLetter;
    expect(dl && dl.stream.duplicateWindowMs).toBe(600_000);
  });

  it('refuses priorities and fairness together in the type too', () => {
    // @ts-expect-error `priorities` and `fairness` exclude each other (`npm run typecheck` proves it)
    const both: JobHandlerOptions = { priorities: true, fairness: true };
    const either: JobHandlerOptions[] = [{ priorities: true }, { fairness: { maxGroups: 5 } }, {}];
    expect(thrown(handler(both))).toBeInstanceOf(JetbusConfigError);
    for (const options of either) expect(thrown(handler(options))).toBeUndefined();
  });

  it('lets a handler option given as undefined override a module default, as a spread would', () => {
    expect(
      resolveJobHandlerOptions('orders.created', 'orders', { timeout: undefined }, { timeout: '5s' }, WHERE)
        .timeoutMs,
    ).toBeUndefined();
  });
});
