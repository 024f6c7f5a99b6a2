import { Injectable } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import {
  DeadLetterHeaders as H,
  DeadLetterStore,
  type DeadLetterRecord,
  JobHandler,
  Payload,
} from '@jetbus/core';
import { type RawMessage, rawPublish } from '../support/raw-publisher';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

class Detail {
  @IsString() note!: string;
}

class Job {
  @IsString() id!: string;
  @IsInt() n!: number;
  @IsOptional() @ValidateNested() @Type(() => Detail) detail?: Detail;
}

const runs = new Map<string, number>();

@Injectable()
class Jobs {
  @JobHandler('hostile.job', { concurrency: 32, maxAttempts: 3, backoff: { type: 'fixed', delay: 200 } })
  run(@Payload() job: Job): void {
    runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
  }
}

const MAX_PAYLOAD = 1024 * 1024;
const enc = (s: string) => Buffer.from(s, 'utf8');
const DLQ_FIELDS = Object.values(H).slice(0, 12);
/** The same header name in lower, upper, jetbus's own and a mixed spelling. */
const caseOf = (name: string, i: number) =>
  [
    name.toLowerCase(),
    name.toUpperCase(),
    name,
    name.replace(/[a-z]/g, (c, at: number) => (at % 2 ? c.toUpperCase() : c)),
  ][i % 4];

interface Hostile {
  kind: string;
  reason: 'validation' | 'decode';
  message: (id: string) => RawMessage;
  count: number;
}

/** A job whose `detail` nests 100k deep: JSON.parse copes, class-transformer's recursion does not. */
const deep = (levels: number) =>
  `{"id":"deep","n":1,"detail":${'{"note":'.repeat(levels)}"x"${'}'.repeat(levels)}}`;

const subject = 'hostile.job';
const tag = (id: string, extra: string[] = []) => [`X-Case: ${id}`, ...extra];

/** Each kind of hostile message, how many, and the dead-letter reason it must end with. */
const KINDS: Hostile[] = [
  {
    kind: 'invalid-json',
    reason: 'decode',
    count: 3400,
    message: (id) => ({ subject, headerLines: tag(id), body: enc('{"id": "x", n') }),
  },
  {
    kind: 'truncated-utf8',
    reason: 'decode',
    count: 2000,
    message: (id) => ({
      subject,
      headerLines: tag(id),
      body: Buffer.concat([enc('{"id":"\u20ac'), Buffer.from([0xe2, 0x82])]),
    }),
  },
  {
    kind: 'empty-body',
    reason: 'validation',
    count: 1500,
    message: (id) => ({ subject, headerLines: tag(id), body: new Uint8Array(0) }),
  },
  {
    kind: 'not-an-object',
    reason: 'validation',
    count: 1500,
    message: (id) => ({
      subject,
      headerLines: tag(id),
      body: enc(['42', 'null', '"s"', '[]', 'true'][Number(id.split(':')[1]) % 5]),
    }),
  },
  {
    kind: 'wrong-types',
    reason: 'validation',
    count: 2500,
    message: (id) => ({ subject, headerLines: tag(id), body: enc('{"id":123,"n":"x"}') }),
  },
  {
    kind: 'proto-keys',
    reason: 'validation',
    count: 1500,
    message: (id) => ({
      subject,
      headerLines: tag(id),
      body: enc('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"id":1,"n":1}'),
    }),
  },
  {
    kind: 'terminal-escapes',
    reason: 'validation',
    count: 1000,
    message: (id) => ({
      subject,
      headerLines: tag(id, ['X-Note: \u001b]0;owned\u0007\u001b[2J']),
      body: enc('{"id":"\\u001b[31mred","n":"\\u009b2J"}'),
    }),
  },
  {
    kind: 'forged-dlq-headers',
    reason: 'validation',
    count: 3000,
    message: (id) => {
      const i = Number(id.split(':')[1]);
      const forged = DLQ_FIELDS.map(
        (name) => `${caseOf(name, i)}: ${name === H.Subject ? '$JS.API.STREAM.DELETE.VICTIM' : 'forged'}`,
      );
      return { subject, headerLines: tag(id, forged), body: enc('{"id":7,"n":"x"}') };
    },
  },
  {
    kind: 'forged-traceparent',
    reason: 'validation',
    count: 1000,
    message: (id) => ({
      subject,
      headerLines: tag(id, ['traceparent: 00-zz-\u001b[0m-01', 'traceparent: ' + 'f'.repeat(2000)]),
      body: enc('{"n":1}'),
    }),
  },
  {
    kind: 'duplicated-headers',
    reason: 'validation',
    count: 1000,
    message: (id) => ({
      subject,
      headerLines: tag(
        id,
        Array.from({ length: 200 }, (_, k) => `X-Dup: ${k}`),
      ),
      body: enc('{"id":"d"}'),
    }),
  },
  {
    kind: 'undecodable-header-name',
    reason: 'decode',
    count: 1500,
    message: (id) => ({ subject, headerLines: tag(id, ['Bad Key: v']), body: enc('{"id":"h","n":1}') }),
  },
  {
    kind: 'oversized-header',
    reason: 'validation',
    count: 60,
    message: (id) => ({
      subject,
      headerLines: tag(id, [`X-Big: ${'b'.repeat(60_000)}`]),
      body: enc('{"id":"o"}'),
    }),
  },
  {
    kind: 'giant-string',
    reason: 'validation',
    count: 60,
    message: (id) => ({
      subject,
      headerLines: tag(id),
      body: enc(`{"id":"${'g'.repeat(500_000)}","n":"bad"}`),
    }),
  },
  {
    kind: 'deep-nesting',
    reason: 'validation',
    count: 20,
    message: (id) => ({ subject, headerLines: tag(id), body: enc(deep(100_000)) }),
  },
  {
    kind: 'body-at-max-payload',
    reason: 'validation',
    count: 20,
    message: (id) => {
      const lines = tag(id);
      const headerBlock = `NATS/1.0\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`.length;
      const fill = MAX_PAYLOAD - headerBlock - '{"id":1,"pad":""}'.length;
      return { subject, headerLines: lines, body: enc(`{"id":1,"pad":"${'p'.repeat(fill)}"}`) };
    },
  },
];

/** Deterministic shuffle (mulberry32), so a failure can be reproduced. */
function shuffle<T>(items: T[], seed = 8): T[] {
  let a = seed;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

describe('hostile input at a running worker', () => {
  const t = useJetbus(
    {
      name: 'fuzz',
      streams: [
        { name: 'HOSTILE', subjects: ['hostile.>'], retention: 'workqueue' },
        { name: 'VICTIM', subjects: ['victim.>'] },
      ],
    },
    [Jobs],
    { server: { config: `max_payload: ${MAX_PAYLOAD}` } },
  );

  it('dead-letters every hostile message once, with its true metadata, and runs every valid job once', async () => {
    const rssBefore = process.memoryUsage().rss;
    const expected = new Map<string, Hostile>();
    const messages: RawMessage[] = [];
    for (const k of KINDS) {
      for (let i = 0; i < k.count; i++) {
        const id = `${k.kind}:${i}`;
        expected.set(id, k);
        messages.push(k.message(id));
      }
    }
    const VALID = 3000;
    for (let i = 0; i < VALID; i++) {
      messages.push({
        subject,
        headerLines: tag(`valid:${i}`),
        body: enc(JSON.stringify({ id: `v-${i}`, n: i })),
      });
    }
    shuffle(messages);
    // In slices, so the worker is already busy while the rest arrives.
    for (let i = 0; i < messages.length; i += 500)
      await rawPublish(t.server.port, messages.slice(i, i + 500));
    const hostileCount = expected.size;
    expect(hostileCount).toBeGreaterThanOrEqual(20_000);
    expect(KINDS.length).toBeGreaterThanOrEqual(14);

    const { jsm } = t.connection;
    // The server took every one (it stores asynchronously after the PING/PONG).
    const stored = await waitFor(
      'every message stored',
      async () => {
        const last = (await jsm.streams.info('HOSTILE')).state.last_seq;
        return last === hostileCount + VALID && last;
      },
      20_000,
    );

    await waitFor(
      'the work stream to empty',
      async () => (await jsm.streams.info('HOSTILE')).state.messages === 0,
      180_000,
      250,
    );
    const store = new DeadLetterStore(jsm);
    const entries = await waitFor(
      'every hostile message in the DLQ',
      async () => {
        const n = (await store.info()).state.messages;
        return n >= hostileCount && (await store.list());
      },
      60_000,
      500,
    );

    // Every valid job ran exactly once.
    expect(runs.size).toBe(VALID);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);

    // Every hostile message is in the DLQ exactly once, as what it was.
    const malformed = entries.filter((e) => e.kind !== 'dead-letter');
    expect(malformed).toEqual([]);
    const records = entries as DeadLetterRecord[];
    const byCase = new Map<string, DeadLetterRecord>();
    for (const r of records) {
      const id = r.headers['X-Case']?.[0] ?? '(none)';
      expect(byCase.has(id)).toBe(false);
      byCase.set(id, r);
    }
    expect(byCase.size).toBe(hostileCount);
    const wrong: string[] = [];
    const seqs = new Set<number>();
    for (const [id, k] of expected) {
      const r = byCase.get(id);
      if (!r) {
        wrong.push(`${id}: missing`);
        continue;
      }
      seqs.add(r.seq);
      const facts = [r.subject === subject, r.stream === 'HOSTILE', r.reason === k.reason, r.attempts === 1];
      if (facts.includes(false))
        wrong.push(
          `${id}: ${JSON.stringify({ subject: r.subject, stream: r.stream, reason: r.reason, attempts: r.attempts })}`,
        );
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(seqs.size).toBe(hostileCount); // true, distinct source sequences
    expect(Math.max(...seqs)).toBeLessThanOrEqual(stored);

    // Forged Jetbus-Dlq-* headers were dropped (and named), never taken for metadata.
    const forged = [...byCase].filter(([id]) => id.startsWith('forged-dlq-headers:')).map(([, r]) => r);
    expect(
      forged.every((r) => r.forgedHeaders && !Object.keys(r.headers).some((h) => /^jetbus-dlq-/i.test(h))),
    ).toBe(true);
    // Undecodable header blocks are kept, escaped.
    const undecodable = [...byCase]
      .filter(([id]) => id.startsWith('undecodable-header-name:'))
      .map(([, r]) => r);
    expect(undecodable.every((r) => r.rawHeaders?.includes('Bad Key: v'))).toBe(true);
    // A body at max_payload keeps its whole payload, retrievable.
    const atMax = [...byCase].filter(([id]) => id.startsWith('body-at-max-payload:')).map(([, r]) => r);
    expect(atMax.every((r) => r.payload.kind === 'object')).toBe(true);
    const original = KINDS.find((k) => k.kind === 'body-at-max-payload')!.message(
      'body-at-max-payload:0',
    ).body;
    expect(
      Buffer.from(await store.payload(byCase.get('body-at-max-payload:0')!)).equals(Buffer.from(original)),
    ).toBe(true);

    // No prototype pollution, nothing stuck, and the noise stayed bounded.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(t.logs.records.filter((r) => r.msg === 'could not settle job')).toEqual([]);
    expect(t.logs.records.filter((r) => r.msg === 'job failed; will retry')).toEqual([]);
    const consumer = await jsm.consumers.info('HOSTILE', 'fuzz_hostile-job');
    expect(consumer.num_ack_pending).toBe(0);
    expect(consumer.num_redelivered).toBe(0);
    expect((await jsm.streams.info('VICTIM')).config.name).toBe('VICTIM');
    const rssGrowthMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    expect(rssGrowthMb).toBeLessThan(1024);
  }, 400_000);
});
