import { Colour, Level } from './differential-corpus';

/** A seeded PRNG (mulberry32): the same seed gives the same payloads on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
type Gen = (r: Rng, depth: number) => unknown;

const pick = <T>(r: Rng, list: readonly T[]): T => list[Math.floor(r() * list.length)];
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const str = (r: Rng, n: number): string =>
  Array.from({ length: n }, () => pick(r, 'abcxyz019-_ @.$'.split(''))).join('');

const UUID4 = '3b241101-e2bb-4255-8caf-4136c566a962';
const UUID1 = 'a8098c1a-f86e-11da-bd1a-00112444be1e';

/** Values of every JSON type, plus strings that look like tokens or formats, for any field. */
const JUNK: readonly unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -1,
  1,
  2.5,
  2.255,
  1e21,
  -0,
  '',
  ' ',
  'a',
  'abc',
  'ab-12',
  'X1',
  'red',
  'green',
  'a@b.co',
  'not-an-email',
  UUID4,
  UUID1,
  '$value',
  '$&',
  '10',
  [],
  ['a'],
  [1, 2],
  [1, 'a'],
  ['abcd', 'x'],
  {},
  { a: 1 },
  { street: 'x' },
  [{ sku: 'a', qty: 1 }],
  [null],
];

/** Only a publish() caller can pass these (they do not survive JSON). */
const RAW_ONLY: readonly unknown[] = [NaN, Infinity, new Date(0), new Set(['a']), () => 1];

const junk: Gen = (r) => pick(r, r() < 0.85 ? JUNK : RAW_ONLY);
const maybe = (r: Rng, good: Gen, depth: number): unknown => (r() < 0.8 ? good(r, depth) : junk(r, depth));

const address: Gen = (r) => ({
  street: pick(r, ['Main', '', 'x']),
  number: pick(r, [1, 0, 7, undefined, '3']),
});
const item: Gen = (r) => ({ sku: pick(r, ['a1', 'b2', 3]), qty: pick(r, [1, 2, 0, -1, 1.5]) });
const tree: Gen = (r, depth) => ({
  name: pick(r, ['root', 'leaf', 7]),
  ...(depth < 3 && r() < 0.6
    ? {
        children: Array.from({ length: int(r, 0, 3) }, () =>
          r() < 0.9 ? tree(r, depth + 1) : junk(r, depth),
        ),
      }
    : {}),
});

/** Field generators per corpus class name: mostly plausible values, so both outcomes are common. */
export const FIELDS: Record<string, Record<string, Gen>> = {
  FlatJob: {
    id: (r) => `job-${int(r, 0, 99)}`,
    n: (r) => pick(r, [int(r, 0, 1000), 1.5]),
    sentAt: (r) => pick(r, [Date.now(), 1.25, -3]),
    pad: (r) => str(r, int(r, 0, 8)),
  },
  Ranges: {
    flag: (r) => r() < 0.5,
    colour: (r) => pick(r, [Colour.Red, Colour.Green, 'blue']),
    level: (r) => pick(r, [Level.Low, Level.High, 3, 'Low']),
    pick: (r) => pick(r, ['a', 'b', 3, 'c', '3']),
    score: (r) => int(r, 0, 11),
    price: (r) => pick(r, [1, 9.99, 1.234, 0, -2]),
    code: (r) => str(r, int(r, 1, 7)),
    short: (r) => str(r, int(r, 0, 4)),
    label: (r) => pick(r, ['x', '', ' ']),
    email: (r) => pick(r, ['a@b.co', 'x@y', 'me@example.com', '@x.io']),
    slug: (r) => pick(r, ['ab-12', 'AB-12', 'ab-', 'z-0']),
    startsWithX: (r) => pick(r, ['xa', 'Xb', 'ax']),
    ref: (r) => pick(r, [UUID4, UUID1, 'nope']),
    when: (r) => pick(r, ['2024-01-01', 0]),
  },
  Conditional: {
    note: (r) => pick(r, ['hi', undefined, null, 3]),
    kind: (r) => pick(r, ['a', 'b', 'c']),
    amount: (r) => pick(r, [1, -1, 'x', undefined]),
    must: (r) => pick(r, ['m', undefined, null]),
    anything: (r) => str(r, 2),
    onlyForB: (r) => pick(r, [1, 'x', undefined]),
    priority: (r) => pick(r, [1, 'high', null, undefined]),
    name: (r) => pick(r, ['n', 4]),
  },
  Messages: {
    title: (r) => pick(r, ['t', 5, true]),
    count: (r) => int(r, 0, 5),
    choice: (r) => pick(r, ['x', 'y', 'z']),
    ints: (r) => Array.from({ length: int(r, 0, 5) }, () => pick(r, [1, 2, 'a', 1.5])),
    silent: (r) => pick(r, ['s', 1]),
  },
  Arrays: {
    tags: (r) => Array.from({ length: int(r, 0, 5) }, () => pick(r, ['a', 'bc', 'defg', 1])),
    counts: (r) => Array.from({ length: int(r, 0, 3) }, () => pick(r, [0, 1, -1, 'x'])),
    colours: (r) => Array.from({ length: int(r, 0, 3) }, () => pick(r, ['red', 'green', 'blue'])),
  },
  Order: {
    id: (r) => pick(r, [UUID4, UUID1, 'x']),
    address: (r, d) => maybe(r, address, d),
    items: (r, d) => Array.from({ length: int(r, 0, 3) }, () => maybe(r, item, d)),
    billing: (r, d) => maybe(r, address, d),
    meta: (r) => pick(r, [{ a: 1 }, undefined, 'm', []]),
  },
  TreeNode: {
    name: (r) => pick(r, ['root', 9]),
    children: (r, d) => Array.from({ length: int(r, 0, 3) }, () => maybe(r, tree, d + 1)),
  },
  MoreChecks: {
    user: (r) => pick(r, ['ann', 'root', 'admin', 3]),
    schema: (r) => pick(r, ['v1', 'v2', 1]),
    divisor: (r) => pick(r, [1, 0, -0, '0']),
    delta: (r) => pick(r, [-1, 0, 1, '-1']),
    reserved: (r) => pick(r, ['', null, 'x', 0]),
    attrs: (r) => pick(r, [{}, { a: 1 }, [], 'o']),
    ids: (r) =>
      r() < 0.2 ? new Set(['a', 'b']) : Array.from({ length: int(r, 0, 3) }, () => pick(r, ['a', 1])),
  },
  DerivedEvent: {
    source: (r) => pick(r, ['svc', 1]),
    version: (r) => int(r, 0, 3),
    urgent: (r) => pick(r, [true, 'yes', undefined]),
  },
};

/** A payload of each corpus class that passes validation (Ranges only before a JSON round trip: its Date). */
const VALID: Record<string, Gen> = {
  FlatJob: (r) => ({ id: `job-${int(r, 0, 9)}`, n: int(r, 0, 99), sentAt: 1764500000000, pad: str(r, 4) }),
  Ranges: () => ({
    flag: true,
    colour: 'red',
    level: 1,
    pick: 'a',
    score: 5,
    price: 9.99,
    code: 'abc',
    short: 'ab',
    label: 'x',
    email: 'a@b.co',
    slug: 'ab-12',
    startsWithX: 'Xb',
    ref: UUID4,
    when: new Date(0),
  }),
  Conditional: (r) =>
    r() < 0.5 ? { kind: 'b', must: 'm', onlyForB: 1 } : { kind: 'a', must: 'm', amount: 2 },
  Messages: () => ({ title: 't', count: 3, choice: 'x', ints: [1], silent: 's' }),
  Arrays: () => ({ tags: ['a'], colours: ['red'] }),
  Order: () => ({ id: UUID4, address: { street: 'Main' }, items: [{ sku: 'a1', qty: 1 }] }),
  TreeNode: () => ({ name: 'root', children: [{ name: 'leaf' }] }),
  DerivedEvent: () => ({ source: 'svc', version: 2 }),
  MoreChecks: () => ({ user: 'ann', schema: 'v1', divisor: 2, delta: -1, attrs: {}, ids: ['a'] }),
};

/** Keys a payload may carry besides the DTO's: unknown ones, prototype names, a method name. */
const EXTRA_KEYS = ['extra', 'constructor', '__proto__', 'describe', 'toString', '0', 'then'];

/**
 * One payload for a corpus class: a valid one with 0 to 3 mutations (a field set to a plausible or
 * junk value, a field removed, an extra key), so accepted and rejected payloads are both common;
 * then, 80% of the time, a JSON round trip (what a consumer decodes), else left as a publish()
 * caller may pass it (undefined values, NaN, Dates, Sets, functions).
 */
export function generatePayload(r: Rng, className: string): Record<string, unknown> {
  const payload = VALID[className](r, 0) as Record<string, unknown>;
  const fields = Object.entries(FIELDS[className]);
  const mutations = pick(r, [0, 0, 1, 1, 2, 3]);
  for (let m = 0; m < mutations; m++) {
    const [key, gen] = pick(r, fields);
    const roll = r();
    if (roll < 0.6) payload[key] = gen(r, 0);
    else if (roll < 0.8) payload[key] = junk(r, 0);
    else if (roll < 0.9) delete payload[key];
    else {
      // defineProperty: `__proto__` must become an own key, as JSON.parse makes it.
      Object.defineProperty(payload, pick(r, EXTRA_KEYS), {
        value: junk(r, 0),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  if (r() < 0.8) return JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
  return payload;
}
