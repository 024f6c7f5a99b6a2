/**
 * Groups a profile's self time by what the work is for, rather than by package: the question a
 * profile of the drain phase answers is where the CPU per job goes (issue 13). The first rule
 * that matches wins; each looks at the script's URL and the function name V8 records.
 */
export const PROFILE_CATEGORIES = [
  'socket writes',
  'nats.js protocol',
  'UTF-8 encode/decode',
  'JSON',
  'validation',
  'Nest pipeline',
  'jetbus runner',
  'metrics',
  'promises and microtasks',
  'garbage collector',
  'idle',
  'bench harness',
  'BullMQ / Redis client',
  'other',
] as const;
export type ProfileCategory = (typeof PROFILE_CATEGORIES)[number];

const RULES: [ProfileCategory, (url: string, fn: string) => boolean][] = [
  // The native half of net.Socket writes (one per flush: acks and pulls), and Node's stream layer.
  [
    'socket writes',
    (u, f) => (!u && (f === 'writeBuffer' || f === 'writev')) || /node:(net|internal\/streams\/)/.test(u),
  ],
  ['nats.js protocol', (u) => u.includes('/node_modules/@nats-io/')],
  [
    'UTF-8 encode/decode',
    (u, f) => u === 'node:internal/encoding' || (!u && /^(decodeUTF8|encodeUtf8String|encodeInto)$/.test(f)),
  ],
  ['JSON', (u, f) => u.includes('/libs/core/dist/codec/json.codec') || (!u && /^(parse|stringify)$/.test(f))],
  [
    'validation',
    (u) =>
      u.includes('/node_modules/class-validator/') ||
      u.includes('/node_modules/class-transformer/') ||
      u.includes('/node_modules/validator/') ||
      u.includes('/libs/core/dist/validation/'),
  ],
  [
    'Nest pipeline',
    (u) =>
      u.includes('/node_modules/@nestjs/') ||
      u.includes('/node_modules/rxjs/') ||
      u.includes('/libs/core/dist/handlers/'),
  ],
  [
    'metrics',
    (u) => u.includes('/node_modules/prom-client/') || u.includes('/libs/core/dist/observability/'),
  ],
  ['jetbus runner', (u) => u.includes('/libs/core/dist/')],
  [
    'BullMQ / Redis client',
    (u) => /\/node_modules\/(bullmq|ioredis|@ioredis|msgpackr|redis-parser)\//.test(u),
  ],
  ['bench harness', (u) => u.includes('/dist/bench/')],
  ['promises and microtasks', (u, f) => !u && /^(runMicrotasks|processTicksAndRejections)$/.test(f)],
  ['promises and microtasks', (u) => u === 'node:internal/process/task_queues'],
  ['garbage collector', (_, f) => f === '(garbage collector)'],
  ['idle', (_, f) => f === '(idle)'],
];

export function categoryOf(url: string, functionName: string): ProfileCategory {
  for (const [category, matches] of RULES) if (matches(url, functionName)) return category;
  return 'other';
}
