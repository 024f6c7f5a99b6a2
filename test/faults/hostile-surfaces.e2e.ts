import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import {
  CANCELLED_BUCKET,
  Ctx,
  DeadLetterStore,
  type DeadLetterRecord,
  type JetbusContext,
  JobHandler,
  KeyRing,
  NonRetryableError,
  PERIODIC_BUCKET,
  Payload,
  Periodic,
  UNIQUE_BUCKET,
  listPeriodic,
  replayDeadLetters,
} from '@jetbus/core';
import { PayloadEncryption } from '../../libs/core/src/encryption';
import { type RawMessage, rawPublish } from '../support/raw-publisher';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';
import { runCli } from '../cli/support/run-cli';

/**
 * A hostile client against a running worker, on the surfaces beyond the payload (which
 * hostile-input.e2e.ts covers): jetbus's own headers, the scheduling, lane and job-control subjects,
 * and the KV buckets workers read. Everything is sent with the bare NATS protocol or written to the
 * buckets directly. The rule for every input: a clear, typed outcome (run if valid, else
 * dead-lettered once with its reason), the worker's connection never dropped, no redelivery loop,
 * healthy jobs sent alongside still run, and `jetbus` prints every hostile string escaped.
 */

const ESC = '\u001b';
/** What a terminal would act on; none of it may reach the CLI's human output raw. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/;

const runs = new Map<string, number>();
const ran = (id: string) => runs.get(id) ?? 0;
const failedOnce = new Set<string>();
const ticks: number[] = [];

interface Job {
  id: string;
  /** Fail the first attempt, so the job is redelivered (the paths that read buckets by job id). */
  failOnce?: boolean;
}

const record = (job: unknown, prefix = ''): void => {
  const id = `${prefix}${(job as Job | null)?.id ?? '(no id)'}`;
  runs.set(id, ran(id) + 1);
  if ((job as Job | null)?.failOnce && !failedOnce.has(id)) {
    failedOnce.add(id);
    throw new Error(`first attempt of ${id} fails`);
  }
};

@Injectable()
class Jobs {
  @JobHandler('hs.job', { concurrency: 8, maxAttempts: 3, backoff: { type: 'fixed', delay: 100 } })
  job(@Payload() job: unknown): void {
    record(job);
  }

  @JobHandler('hs.any.>')
  any(@Payload() job: unknown): void {
    record(job, 'any:');
    throw new NonRetryableError('refused');
  }

  @JobHandler('hs.fail', { maxAttempts: 2, backoff: { type: 'fixed', delay: '3s' } })
  fail(@Payload() job: unknown): void {
    record(job, 'fail:');
    throw new Error('always fails');
  }

  @JobHandler('hs.once', { idempotency: {} })
  once(@Payload() job: unknown): void {
    record(job, 'once:');
  }

  @JobHandler('enc.job')
  enc(@Payload() job: unknown): void {
    record(job, 'enc:');
  }

  @JobHandler('lp.job', { priorities: true })
  prio(@Payload() job: unknown, @Ctx() ctx: JetbusContext): void {
    record(job, `prio:${ctx.subject}:`);
  }

  @JobHandler('lf.job', { fairness: { maxGroups: 5, discoverEvery: '200ms', idleAfter: '1s' } })
  fair(@Payload() job: unknown): void {
    record(job, 'fair:');
  }

  @JobHandler('rl.job', { rateLimit: { max: 5, per: '1s' } })
  rate(@Payload() job: unknown): void {
    record(job, 'rate:');
  }

  @Periodic('* * * * * *', { name: 'hs-tick' })
  tick(): void {
    ticks.push(Date.now());
  }
}

@Injectable()
class PlainJobs {
  @JobHandler('plain.job')
  job(@Payload() job: unknown): void {
    record(job, 'plain:');
  }
}

const keyRing = new KeyRing('test', 'k1', { k1: randomBytes(32) });
const enc = (s: string) => Buffer.from(s, 'utf8');
const body = (id: string, extra: Record<string, unknown> = {}) => enc(JSON.stringify({ id, ...extra }));
const tagged = (id: string, lines: string[] = []) => [`X-Case: ${id}`, ...lines];

async function deadLetters(jsm: JetStreamManager): Promise<DeadLetterRecord[]> {
  const entries = await new DeadLetterStore(jsm).list();
  expect(entries.filter((e) => e.kind !== 'dead-letter')).toEqual([]);
  return entries as DeadLetterRecord[];
}

/** The dead letters of the cases `ids` (by their `X-Case` header), each expected exactly once. */
async function deadLettersOf(jsm: JetStreamManager, ids: string[]): Promise<Map<string, DeadLetterRecord>> {
  return waitFor(
    `dead letters of ${ids.join(', ')}`,
    async () => {
      const byCase = new Map<string, DeadLetterRecord[]>();
      for (const r of await deadLetters(jsm)) {
        const id = r.headers['X-Case']?.[0];
        if (id !== undefined && ids.includes(id)) byCase.set(id, [...(byCase.get(id) ?? []), r]);
      }
      if (ids.some((id) => !byCase.has(id))) return undefined;
      for (const [id, list] of byCase) expect([id, list.length]).toEqual([id, 1]);
      return new Map([...byCase].map(([id, list]) => [id, list[0]]));
    },
    30_000,
    200,
  );
}

describe('hostile input on the newer surfaces, from a raw client', () => {
  const t = useJetbus(
    {
      name: 'hs',
      scheduling: {},
      cancellation: {},
      encryption: { keys: keyRing, subjects: ['enc.>'] },
      streams: [
        { name: 'HS', subjects: ['hs.>', 'enc.>'], retention: 'workqueue' },
        { name: 'LANES', subjects: ['lp.>', 'lf.>'], retention: 'workqueue' },
        { name: 'RL', subjects: ['rl.>'], retention: 'workqueue' },
      ],
    },
    [Jobs],
    { server: { config: 'max_payload: 1048576' } },
  );

  /** The worker's connection held: the server never closed it over something a job carried. */
  const connectionHeld = () =>
    expect(
      t.logs.records
        .filter((r) => r.msg === 'NATS connection error' || r.msg === 'NATS connection lost; reconnecting')
        .map((r) => JSON.stringify(r.err ?? r).slice(0, 200)),
    ).toEqual([]);

  /** A healthy job sent after the hostile ones runs: the worker is alive and pulling. */
  const healthyJobRuns = async (id: string) => {
    await rawPublish(t.server.port, [{ subject: 'hs.job', body: body(id) }]);
    await waitFor(`healthy job ${id}`, () => ran(id) === 1);
  };

  beforeEach(() => void (t.logs.records.length = 0));
  afterEach(() => connectionHeld());

  it('job ids, msg ids, unique keys, traceparent, content types and repeated headers: each job runs, once per attempt', async () => {
    const unique = await new Kvm(t.js).create(UNIQUE_BUCKET, { history: 1 });
    const revision = await unique.put('placeholder', '{}');
    const cases: [string, string[]][] = [
      ['jobid-control', ['Jetbus-Job-Id: a\u0001b c\u001b[31m']],
      ['jobid-spaces', ['Jetbus-Job-Id: a b  c']],
      ['jobid-10k', [`Jetbus-Job-Id: ${'j'.repeat(10_000)}`]],
      ['jobid-escapes-to-9k', [`Jetbus-Job-Id: ${'$'.repeat(3_000)}`]],
      ['jobid-unicode', ['Jetbus-Job-Id: ünï©ødé\u202egnp.exe']],
      ['msgid-3k', [`Nats-Msg-Id: ${'m'.repeat(3_000)}`]],
      ['unique-10k', [`Jetbus-Unique-Key: ${'k'.repeat(10_000)}`, `Jetbus-Unique-Revision: ${revision}`]],
      ['unique-control', [`Jetbus-Unique-Key: ${ESC}[2J`, 'Jetbus-Unique-Revision: 1']],
      ['unique-bad-revision', ['Jetbus-Unique-Key: k', 'Jetbus-Unique-Revision: 1e400']],
      ['unique-huge-revision', ['Jetbus-Unique-Key: k', `Jetbus-Unique-Revision: ${'9'.repeat(40)}`]],
      ['traceparent', [`traceparent: 00-zz-${ESC}[0m-01`, `traceparent: ${'f'.repeat(2_000)}`]],
      ['content-type', ['Content-Type: application/x-protobuf']],
      // Near JetStream's 64 KiB header limit (a block past it is refused by the server, never stored).
      ['header-60k', [`X-Big: ${'b'.repeat(60_000)}`]],
      [
        'repeated',
        [
          'Jetbus-Job-Id: first',
          'Jetbus-Job-Id: second',
          ...Array.from({ length: 200 }, (_, i) => `X-Dup: ${i}`),
        ],
      ],
    ];
    await rawPublish(
      t.server.port,
      cases.map(([id, lines]) => ({
        subject: 'hs.job',
        headerLines: tagged(id, lines),
        body: body(id, { failOnce: true }),
      })),
    );
    // Every job fails its first attempt and runs again: the redelivery is what reads the
    // cancellation bucket by job id, and the final ack what frees a unique key.
    await waitFor('every job run twice', () => cases.every(([id]) => ran(id) === 2), 30_000);
    await healthyJobRuns('after-headers');
    const info = await t.jsm.consumers.info('HS', 'hs_hs-job');
    expect([info.num_pending, info.num_ack_pending]).toEqual([0, 0]);
    expect(info.num_redelivered).toBe(0);
    expect((await deadLetters(t.jsm)).length).toBe(0);
  });

  it('Jetbus-Enc garbage, unknown and hostile key ids, huge values: dead-lettered once as decrypt', async () => {
    const jobId = (id: string) => `Jetbus-Job-Id: ${id}`;
    const header = (value: string) => `Jetbus-Enc: ${value}`;
    const cipher = randomBytes(64);
    const cases: [string, string, string[], Uint8Array, string][] = [
      ['enc-garbage', 'enc.job', [header('garbage'), jobId('x')], cipher, 'unsupported'],
      [
        'enc-unknown-kid',
        'enc.job',
        [header('v1; alg=A256GCM; kid=nope'), jobId('x')],
        cipher,
        'unknown-key',
      ],
      [
        'enc-escape-kid',
        'enc.job',
        [header(`v1; alg=A256GCM; kid=k1${ESC}[2J`), jobId('x')],
        cipher,
        'malformed',
      ],
      [
        'enc-huge-alg',
        'enc.job',
        [header(`v1; alg=${'A'.repeat(20_000)}; kid=k1`), jobId('x')],
        cipher,
        'unsupported',
      ],
      [
        'enc-huge-kid',
        'enc.job',
        [header(`v1; alg=A256GCM; kid=${'k'.repeat(20_000)}`), jobId('x')],
        cipher,
        'malformed',
      ],
      ['enc-no-job-id', 'enc.job', [header('v1; alg=A256GCM; kid=k1')], cipher, 'malformed'],
      [
        'enc-huge-job-id',
        'enc.job',
        [header('v1; alg=A256GCM; kid=k1'), jobId('i'.repeat(10_000))],
        cipher,
        'authentication-failed',
      ],
      [
        'enc-short-body',
        'enc.job',
        [header('v1; alg=A256GCM; kid=k1'), jobId('x')],
        randomBytes(4),
        'malformed',
      ],
      [
        'enc-tampered',
        'enc.job',
        [header('v1; alg=A256GCM; kid=k1'), jobId('x')],
        cipher,
        'authentication-failed',
      ],
      [
        'enc-on-clear-subject',
        'hs.job',
        [header('garbage'), jobId('x')],
        body('enc-on-clear-subject'),
        'unsupported',
      ],
    ];
    await rawPublish(
      t.server.port,
      cases.map(([id, subject, lines, data]) => ({ subject, headerLines: tagged(id, lines), body: data })),
    );
    const found = await deadLettersOf(
      t.jsm,
      cases.map(([id]) => id),
    );
    for (const [id, , , data, failure] of cases) {
      const r = found.get(id)!;
      expect([id, r.reason, r.errorClass, r.attempts]).toEqual([id, 'decrypt', 'DecryptError', 1]);
      expect(r.errorMessage).toContain(`(${failure})`);
      expect(r.errorMessage.length).toBeLessThanOrEqual(1_000);
      expect(r.errorMessage).not.toMatch(RAW_CONTROL);
      // The dead letter keeps what was sent, ciphertext included.
      expect(Buffer.from(await new DeadLetterStore(t.jsm).payload(r)).equals(Buffer.from(data))).toBe(true);
    }
    expect(cases.some(([id]) => ran(id) > 0 || ran(`enc:${id}`) > 0)).toBe(false);
    await healthyJobRuns('after-enc');
  });

  it('hostile plaintext under a valid ciphertext: decoded after decryption, run if valid, else dead-lettered as decode', async () => {
    const sealer = new PayloadEncryption(keyRing, ['enc.>'], false);
    const sealed = async (id: string, plain: Uint8Array): Promise<RawMessage> => {
      const s = await sealer.seal('enc.job', plain, id);
      return {
        subject: 'enc.job',
        headerLines: tagged(id, [`Jetbus-Enc: v1; alg=A256GCM; kid=k1`, `Jetbus-Job-Id: ${id}`]),
        body: s.body,
      };
    };
    const deep = `{"id":"p-deep","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    await rawPublish(t.server.port, [
      await sealed('p-invalid-json', enc('{"id": "x", n')),
      await sealed('p-non-utf8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
      await sealed('p-null', enc('null')),
      await sealed('p-deep', enc(deep)),
      await sealed(
        'p-proto',
        enc('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"id":"p-proto"}'),
      ),
      await sealed('p-huge-string', enc(JSON.stringify({ id: 'p-huge-string', s: 'h'.repeat(500_000) }))),
      await sealed('p-valid', body('p-valid')),
    ]);
    const found = await deadLettersOf(t.jsm, ['p-invalid-json', 'p-non-utf8']);
    for (const r of found.values()) expect([r.reason, r.errorClass]).toEqual(['decode', 'DecodeError']);
    // V8's JSON.parse takes 100,000 levels of arrays, and without a DTO nothing walks them: it runs.
    await waitFor('the valid ones run', () =>
      ['enc:p-valid', 'enc:(no id)', 'enc:p-proto', 'enc:p-huge-string', 'enc:p-deep'].every(
        (id) => ran(id) === 1,
      ),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await healthyJobRuns('after-plaintext');
  });

  it('Jetbus-Enc on a worker without encryption: dead-lettered once as decrypt (no-keys)', async () => {
    await t.startApp(
      { name: 'plain', streams: [{ name: 'PLAIN', subjects: ['plain.>'], retention: 'workqueue' }] },
      [PlainJobs],
    );
    await rawPublish(t.server.port, [
      {
        subject: 'plain.job',
        headerLines: tagged('plain-enc', ['Jetbus-Enc: v1; alg=A256GCM; kid=k1', 'Jetbus-Job-Id: x']),
        body: randomBytes(40),
      },
      {
        subject: 'plain.job',
        headerLines: tagged('plain-enc-huge', [`Jetbus-Enc: ${'v'.repeat(30_000)}`]),
        body: body('x'),
      },
      { subject: 'plain.job', body: body('plain-ok') },
    ]);
    const found = await deadLettersOf(t.jsm, ['plain-enc', 'plain-enc-huge']);
    for (const r of found.values()) {
      expect([r.reason, r.errorClass]).toEqual(['decrypt', 'DecryptError']);
      expect(r.errorMessage).toContain('(no-keys)');
    }
    await waitFor('the clear job', () => ran('plain:plain-ok') === 1);
  });

  const at = (v: string) => [`Jetbus-Deliver-At: ${v}`];
  /** A scheduled job as the wire contract has it, for `hs.job`, run as `s-<case>`. */
  const entry = (jobId: string, lines: string[], id = jobId): RawMessage => ({
    subject: `jetbus.scheduled.${jobId}.hs.job`,
    headerLines: tagged(id, lines),
    body: body(`s-${id}`),
  });
  const releaseDeliveries = async (durable = 'jetbus-release_hs-job') =>
    (await t.jsm.consumers.info('JETBUS_SCHEDULED', durable)).delivered.consumer_seq;

  it('Jetbus-Deliver-At past, epoch 0, garbage or absent; job ids a KV key refuses or too long; a garbage outcome record: each released and run once', async () => {
    // A first release creates the outcomes bucket, where a garbage outcome then waits for its job.
    await rawPublish(t.server.port, [entry('warm-up', at('0'))]);
    await waitFor('the first release', () => ran('s-warm-up') === 1);
    const outcomes = await new Kvm(t.js).open('JETBUS_SCHEDULED_OUTCOMES');
    await outcomes.put('garbage-outcome', 'garbage');
    const due = [
      entry('past', at('2000-01-01T00:00:00Z')),
      entry('epoch-zero', at('0')),
      entry('garbage-time', at(`garbage${ESC}[31m`)),
      entry('no-time', []),
      entry('bad$id', at('0'), 'bad-id'),
      entry('i'.repeat(3_900), at('0'), 'long-id'),
      entry('$'.repeat(1_300), at('0'), 'id-escapes-to-3900'),
      entry('garbage-outcome', at('0')),
    ];
    await rawPublish(t.server.port, due);
    const ids = due.map((m) => m.headerLines![0].slice('X-Case: '.length));
    await waitFor('every due job released and run once', () => ids.every((id) => ran(`s-${id}`) === 1));
    await waitFor(
      'the scheduling stream empty',
      async () => (await t.jsm.streams.info('JETBUS_SCHEDULED')).state.messages === 0,
    );
    // Each entry delivered once: no release failed and came back.
    expect(await releaseDeliveries()).toBe(1 + due.length);
    expect(ids.every((id) => ran(`s-${id}`) === 1)).toBe(true);
    await healthyJobRuns('after-scheduled');
  });

  it('Jetbus-Deliver-At in the far future: held by the server (not redelivered in a loop) and listed', async () => {
    const before = await releaseDeliveries();
    await rawPublish(t.server.port, [
      entry('year-9999', at('9999-12-31T00:00:00Z')),
      entry('epoch-huge', at('99999999999999999999')),
    ]);
    // A due job published after them is released: by then both were delivered and nak-ed.
    await rawPublish(t.server.port, [entry('after-far-future', at('0'))]);
    await waitFor('the job after them', () => ran('s-after-far-future') === 1);
    await healthyJobRuns('after-far-future-healthy');
    // Three entries, three deliveries: a delay past int64 nanoseconds would have come back at once, again and again.
    expect((await releaseDeliveries()) - before).toBe(3);
    expect(ran('s-year-9999') + ran('s-epoch-huge')).toBe(0);
    const page = await t.bus.listScheduled({ subject: 'hs.job' });
    expect(page.jobs.map((j) => [j.jobId, j.deliverAt?.toISOString()]).sort()).toEqual([
      ['epoch-huge', '+275760-09-13T00:00:00.000Z'],
      ['year-9999', '9999-12-31T00:00:00.000Z'],
    ]);
  });

  it('a scheduled job for a wildcard handler whose subject is too long to publish: kept and listed, the connection holds', async () => {
    const subject = `jetbus.scheduled.too-long-target.hs.any.${'t'.repeat(4_000)}`;
    await rawPublish(t.server.port, [{ ...entry('too-long-target', at('0')), subject }]);
    await waitFor('its release refused', () =>
      t.logs.records.some((r) => String(r.msg).startsWith('scheduled job not released')),
    );
    expect(await releaseDeliveries('jetbus-release_hs-any-all')).toBe(1);
    const stored = await t.jsm.streams.info('JETBUS_SCHEDULED', { subjects_filter: subject });
    expect(stored.state.subjects?.[subject]).toBe(1);
    const page = await t.bus.listScheduled({ subject: 'hs.any.>' });
    expect(page.jobs.map((j) => j.jobId)).toEqual(['too-long-target']);
    await healthyJobRuns('after-too-long-target');
  });

  it('unknown priorities and malformed groups are dead-lettered once; a flood of groups opens at most maxGroups lanes', async () => {
    const hostile: [string, string][] = [
      ['prio-unknown', 'lp.job._prio.urgent'],
      ['prio-case', 'lp.job._prio.HIGH'],
      ['prio-deeper', 'lp.job._prio.high.x'],
      ['prio-long', `lp.job._prio.${'u'.repeat(3_000)}`],
      ['group-star', 'lf.job._group.a*b'],
      ['group-unicode', 'lf.job._group.é'],
      ['group-long', `lf.job._group.${'g'.repeat(3_000)}`],
      ['group-two-tokens', 'lf.job._group.x.y'],
    ];
    const flood = Array.from({ length: 40 }, (_, i) => `g${i}`);
    await rawPublish(t.server.port, [
      ...hostile.map(([id, subject]) => ({ subject, headerLines: tagged(id), body: body(id) })),
      { subject: 'lp.job._prio.high', body: body('lane-high') },
      { subject: 'lp.job', body: body('lane-normal') },
      { subject: 'lf.job._group.ok', body: body('lane-ok') },
      ...flood.flatMap((g) =>
        [0, 1].map((n) => ({ subject: `lf.job._group.${g}`, body: body(`${g}-${n}`) })),
      ),
    ]);
    let mostLanes = 0;
    await waitFor(
      'every flood job',
      async () => {
        const lanes = (await t.jsm.consumers.list('LANES').next()).filter((c) =>
          c.name.startsWith('hs_lf-job'),
        );
        mostLanes = Math.max(mostLanes, lanes.length);
        return flood.every((g) => ran(`fair:${g}-0`) === 1 && ran(`fair:${g}-1`) === 1);
      },
      60_000,
      100,
    );
    // The handler's own durable plus at most maxGroups (5) group lanes at any time.
    expect(mostLanes).toBeLessThanOrEqual(6);
    await waitFor('the valid lane jobs', () =>
      ['prio:lp.job._prio.high:lane-high', 'prio:lp.job:lane-normal', 'fair:lane-ok'].every(
        (id) => ran(id) === 1,
      ),
    );
    const found = await deadLettersOf(
      t.jsm,
      hostile.map(([id]) => id),
    );
    for (const [id, subject] of hostile) {
      const r = found.get(id)!;
      expect([id, r.subject, r.reason, r.errorClass]).toEqual([id, subject, 'decode', 'DecodeError']);
    }
    expect(hostile.some(([id]) => [...runs.keys()].some((k) => k.endsWith(`:${id}`)))).toBe(false);
    // Nothing is left behind in the lane stream.
    await waitFor(
      'the lane stream empty',
      async () => (await t.jsm.streams.info('LANES')).state.messages === 0,
    );
  });

  it('a subject too long to be dead-lettered under its own name: dead-lettered once, the connection holds', async () => {
    const subject = `hs.any.${'a'.repeat(4_075)}`;
    await rawPublish(t.server.port, [{ subject, headerLines: tagged('long-subject'), body: body('long') }]);
    const r = (await deadLettersOf(t.jsm, ['long-subject'])).get('long-subject')!;
    expect([r.subject, r.reason, r.errorClass]).toEqual([subject, 'error', 'NonRetryableError']);
    expect(ran('any:long')).toBe(1);
    // Replaying it would publish a line the server refuses by closing the replayer's connection.
    const report = await replayDeadLetters(new DeadLetterStore(t.jsm), t.js, { ids: [r.dlqSeq] });
    expect(report.failed.map((f) => f.error.name)).toEqual(['ReplayTargetError']);
    expect(t.nc.isClosed()).toBe(false);
    await healthyJobRuns('after-long-subject');
  });

  it('JETBUS_CANCELLED garbage, null, huge and prototype-keyed values, and an entry naming another job: none cancels or settles a job it is not under', async () => {
    // A real cancel request for `victim`, then a forged entry under another key claiming its job id.
    expect((await t.bus.cancel('victim')).outcome).toBe('requested');
    const cancelled = await new Kvm(t.js).open(CANCELLED_BUCKET);
    await cancelled.put('garbage', 'garbage');
    await cancelled.put('null', 'null');
    await cancelled.put('array', '[]');
    await cancelled.put('huge', Buffer.alloc(900_000, 'z'));
    await cancelled.put(
      'proto',
      '{"__proto__":{"polluted":1},"state":"requested","jobId":"proto","requestedAt":"2026-01-01T00:00:00Z"}',
    );
    await cancelled.put(
      'impostor',
      JSON.stringify({ state: 'requested', jobId: 'victim', requestedAt: { x: 1 } }),
    );
    await rawPublish(t.server.port, [
      { subject: 'hs.job', headerLines: ['Jetbus-Job-Id: impostor'], body: body('impostor') },
      { subject: 'hs.job', headerLines: ['Jetbus-Job-Id: garbage'], body: body('garbage') },
    ]);
    // The impostor entry does not cancel the job its key names (it names another) ...
    await waitFor('the impostor and garbage jobs', () => ran('impostor') === 1 && ran('garbage') === 1);
    // ... nor settle the victim's request: the victim is still cancelled when it comes.
    await rawPublish(t.server.port, [
      { subject: 'hs.job', headerLines: ['Jetbus-Job-Id: victim'], body: body('victim') },
      { subject: 'hs.job', headerLines: ['Jetbus-Job-Id: proto'], body: body('proto') },
    ]);
    await waitFor(
      'the victim cancelled',
      async () => (await t.bus.cancellation('victim'))?.state === 'cancelled',
    );
    // `proto` has a well-formed request: cancelled too, and nothing polluted.
    await waitFor(
      'the proto job cancelled',
      async () => (await t.bus.cancellation('proto'))?.state === 'cancelled',
    );
    expect(ran('victim') + ran('proto')).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // A cancel over an entry that is not jetbus's records its request (it is no request to keep).
    let outcome: string | undefined;
    void t.bus.cancel('garbage').then((r) => (outcome = r.outcome));
    await waitFor('the cancel over garbage', () => outcome === 'requested', 10_000);
    expect((await t.bus.cancellation('garbage'))?.state).toBe('requested');
    await healthyJobRuns('after-cancelled-garbage');
  });

  it("a JETBUS_UNIQUE entry that is not jetbus's holds no key", async () => {
    const unique = await new Kvm(t.js).create(UNIQUE_BUCKET, { history: 1 });
    await unique.put('stray', 'garbage');
    const ack = await t.bus.publish(
      'hs.job',
      { id: 'unique-over-garbage' },
      { unique: { key: 'stray', for: '1m', until: 'completed' } },
    );
    expect(ack.unique?.acquired).toBe(true);
    await waitFor('the unique job', () => ran('unique-over-garbage') === 1);
  });

  it('a JETBUS_RATE log that is garbage or admits far in the future holds no job back', async () => {
    await rawPublish(t.server.port, [{ subject: 'rl.job', body: body('rate-warm-up') }]);
    await waitFor('a first rate-limited job (it creates the bucket)', () => ran('rate:rate-warm-up') === 1);
    const rate = await new Kvm(t.js).open('JETBUS_RATE');
    await rate.put('RL.hs_rl-job.=', JSON.stringify([9e15]));
    await rawPublish(t.server.port, [{ subject: 'rl.job', body: body('rate-over-far-future') }]);
    await waitFor('the job over a far-future log', () => ran('rate:rate-over-far-future') === 1, 10_000);
    await rate.put('RL.hs_rl-job.=', '{"not":"a log"}');
    await rawPublish(t.server.port, [{ subject: 'rl.job', body: body('rate-over-garbage') }]);
    await waitFor('the job over a garbage log', () => ran('rate:rate-over-garbage') === 1, 10_000);
  });

  it('a JETBUS_ATTEMPTS record with counts that are not numbers: the job still ends after maxAttempts', async () => {
    await rawPublish(t.server.port, [
      { subject: 'hs.fail', headerLines: tagged('attempts-garbage'), body: body('a') },
    ]);
    const { last_seq: seq } = (await t.jsm.streams.info('HS')).state;
    await waitFor('the first failure', () => ran('fail:a') === 1);
    // The retry's record is written before its nak; 3 s before the redelivery, a count turns to text.
    const ledger = await new Kvm(t.js).open('JETBUS_ATTEMPTS');
    const key = `HS.hs_hs-fail.${seq}`;
    await waitFor('the retry recorded', async () => (await ledger.get(key))?.operation === 'PUT');
    await ledger.put(key, JSON.stringify({ settledAt: 1, failures: 'x', isolatedCrashes: 'y' }));
    // The garbage counts as no failure, so one run more than maxAttempts, then the dead letter.
    const r = (await deadLettersOf(t.jsm, ['attempts-garbage'])).get('attempts-garbage')!;
    expect([r.reason, r.errorMessage]).toEqual(['error', 'always fails']);
    expect(ran('fail:a')).toBe(3);
  });

  it('a forged max-deliveries advisory over a garbage JETBUS_DLQ_MARKS entry: the job is dead-lettered, not dropped', async () => {
    // A job no handler takes, and an advisory no server sent: the reaper cannot tell it from a real
    // one (NATS advisories are not signed; permissions are what keeps `$JS.EVENT.>` from clients).
    await rawPublish(t.server.port, [
      { subject: 'hs.orphan', headerLines: tagged('orphan'), body: body('orphan') },
    ]);
    const { last_seq: seq } = (await t.jsm.streams.info('HS')).state;
    const marks = await new Kvm(t.js).create('JETBUS_DLQ_MARKS', { history: 1 });
    await marks.put(`HS.${seq}`, 'garbage');
    const advisory = {
      type: 'io.nats.jetstream.advisory.v1.max_deliver',
      stream: 'HS',
      consumer: 'hs_hs-job',
      stream_seq: seq,
      deliveries: 5,
    };
    await rawPublish(t.server.port, [
      {
        subject: '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.HS.hs_hs-job',
        body: enc(JSON.stringify(advisory)),
      },
    ]);
    // A garbage mark is no mark: the job is copied to the DLQ before it leaves its work queue.
    const r = (await deadLettersOf(t.jsm, ['orphan'])).get('orphan')!;
    expect([r.reason, r.subject, r.seq]).toEqual(['max-deliveries', 'hs.orphan', seq]);
    await waitFor('the job out of its work queue', async () => {
      const info = await t.jsm.streams.info('HS', { subjects_filter: 'hs.orphan' });
      return (info.state.subjects?.['hs.orphan'] ?? 0) === 0;
    });
  });

  it('a JETBUS_DONE_<durable> value that is no completion time: the job runs (a real one is skipped)', async () => {
    const job = (id: string) => ({
      subject: 'hs.once',
      headerLines: [`Jetbus-Job-Id: ${id}`],
      body: body(id),
    });
    await rawPublish(t.server.port, [job('once-warm-up')]);
    await waitFor('a first job (it creates the bucket)', () => ran('once:once-warm-up') === 1);
    const done = await new Kvm(t.js).open('JETBUS_DONE_hs_hs-once');
    const sha = (id: string) => createHash('sha256').update(id).digest('hex');
    await done.put(sha('done-garbage'), 'garbage');
    await done.put(sha('done-real'), new Date().toISOString());
    await rawPublish(t.server.port, [job('done-real'), job('done-garbage')]);
    await waitFor('the job under a garbage record', () => ran('once:done-garbage') === 1);
    await waitFor('the stream empty', async () => {
      const info = await t.jsm.streams.info('HS', { subjects_filter: 'hs.once' });
      return (info.state.subjects?.['hs.once'] ?? 0) === 0;
    });
    expect(ran('once:done-real')).toBe(0);
  });

  it('JETBUS_PERIODIC: a garbage or far-future last tick stops no schedule, and a garbage definition is not listed', async () => {
    const periodic = await new Kvm(t.js).open(PERIODIC_BUCKET);
    await periodic.put('def.weird', '42');
    await periodic.put(
      'def.spoof',
      JSON.stringify({ name: 'hs-tick', cron: { a: 1 }, subject: `${ESC}[2J` }),
    );
    await periodic.put('last.hs-tick', 'garbage');
    let since = Date.now();
    await waitFor(
      'ticks after a garbage last tick',
      () => ticks.filter((x) => x > since).length >= 2,
      10_000,
    );
    await periodic.put('last.hs-tick', '9999-01-01T00:00:00.000Z');
    since = Date.now();
    await waitFor(
      'ticks after a far-future last tick',
      () => ticks.filter((x) => x > since).length >= 2,
      10_000,
    );
    const listed = await listPeriodic(t.js);
    expect(listed.map((s) => [s.name, s.cron])).toEqual([['hs-tick', '* * * * * *']]);
    expect(t.logs.records.filter((r) => r.msg === 'could not publish periodic tick')).toEqual([]);
  });

  it('jetbus dlq ls/show, jobs scheduled and periodic list print every hostile string escaped', async () => {
    const server = ['--server', t.server.url];
    const entries = await deadLetters(t.jsm);
    expect(entries.length).toBeGreaterThan(15);
    const outputs = [
      await runCli(['dlq', 'ls', ...server]),
      ...(await Promise.all(
        entries.slice(0, 12).map((e) => runCli(['dlq', 'show', String(e.dlqSeq), ...server])),
      )),
      await runCli(['jobs', 'scheduled', ...server]),
      await runCli(['periodic', 'list', ...server]),
    ];
    for (const o of outputs) {
      expect([o.code, o.stderr]).toEqual([0, '']);
      expect(o.stdout).not.toMatch(RAW_CONTROL);
    }
    expect(outputs[0].stdout).toContain('decrypt');
  });
});
