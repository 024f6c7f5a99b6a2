import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplicationContext, Injectable } from '@nestjs/common';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  DeadLetterHeaders as H,
  DeadLetterStore,
  ENCRYPTION_HEADER,
  JetbusClient,
  JetbusConnection,
  JobHandler,
  KeyRing,
  fileKeyProvider,
  NonRetryableError,
  Payload,
  replayDeadLetters,
} from '@jetbus/core';
import { startJetbusApp } from '../support/jetbus-app';
import { useNats } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

/**
 * Payload encryption against a real nats-server with a file-storage stream: what is stored is
 * ciphertext, every tampering is dead-lettered once as a DecryptError, and key rotation round-trips.
 * About 25–40 s (three `jetbus keys` runs compile the CLI on load).
 */
const key1 = randomBytes(32);
const ring = (current: string, keys: Record<string, Buffer>) => new KeyRing('test', current, keys);

const received: { subject: string; marker: string }[] = [];

@Injectable()
class PayJobs {
  @JobHandler('pay.charge')
  charge(@Payload() job: { marker: string; fail?: boolean }): void {
    received.push({ subject: 'pay.charge', marker: job.marker });
    if (job.fail) throw new NonRetryableError('card declined');
  }

  @JobHandler('pay.refund')
  refund(@Payload() job: { marker: string }): void {
    received.push({ subject: 'pay.refund', marker: job.marker });
  }
}

/** The real CLI (src/main.ts compiled on load), as register-dlq-commands.int.ts runs it. */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const main = [join(__dirname, '../../scripts/register-ts.js'), join(__dirname, '../../src/main.ts')];
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', ...main, ...args], { timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

/** The store files containing `marker`. */
async function storeFilesWith(dir: string, marker: string): Promise<string[]> {
  const hits: string[] = [];
  for (const f of await filesUnder(dir)) if ((await readFile(f)).includes(marker)) hits.push(f);
  return hits;
}

describe('payload encryption (real nats-server, file storage)', () => {
  const t = useNats();
  const apps: INestApplicationContext[] = [];
  const start = async (
    keys: KeyRing,
    providers: (typeof PayJobs)[] = [],
    name = 'pay',
    acceptCleartext = false,
  ): Promise<INestApplicationContext> => {
    const app = await startJetbusApp(
      {
        servers: t.server.url,
        name,
        logger: false,
        streams: [{ name: 'PAY', subjects: ['pay.>', 'plain.>'], retention: 'workqueue', storage: 'file' }],
        encryption: { keys, subjects: ['pay.>'], acceptCleartext },
        scheduling: {},
      },
      providers,
    );
    apps.push(app);
    return app;
  };
  const stop = async (app: INestApplicationContext) => {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  };
  afterAll(async () => {
    for (const app of apps.splice(0).reverse()) await app.close();
  });
  beforeEach(async () => {
    received.length = 0;
    await t.jsm.streams.purge('JETBUS_DLQ').catch(() => undefined);
    await t.jsm.streams.purge('PAY').catch(() => undefined);
  });

  const deadLetters = async () => {
    const info = await t.jsm.streams.info('JETBUS_DLQ');
    const out: {
      seq: number;
      subject: string;
      reason: string;
      error: string;
      attempts: number;
      body: Uint8Array;
      headers: Record<string, string>;
    }[] = [];
    for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
      const m = await t.jsm.streams.getMessage('JETBUS_DLQ', { seq }).catch(() => undefined);
      if (!m) continue;
      const headers: Record<string, string> = {};
      for (const [k, v] of m.header) headers[k] = v[0];
      out.push({
        seq,
        subject: m.header.get(H.Subject),
        reason: m.header.get(H.Reason),
        error: `${m.header.get(H.ErrorClass)}: ${m.header.get(H.ErrorMessage)}`,
        attempts: Number(m.header.get(H.Attempts)),
        body: m.data,
        headers,
      });
    }
    return out;
  };
  const streamEmpty = async () => (await t.jsm.streams.info('PAY')).state.messages === 0;

  it('stores only ciphertext: the stream store directory and the DLQ never hold the plaintext', async () => {
    const worker = await start(ring('k1', { k1: key1 }), [PayJobs]);
    const bus = worker.get(JetbusClient);
    const markers = Array.from(
      { length: 20 },
      (_, i) => `SECRET-MARKER-${i}-${randomBytes(4).toString('hex')}`,
    );
    await bus.publishMany(
      markers.map((marker, i) => ({ subject: 'pay.charge', data: { marker, fail: i % 5 === 0 } })),
    );
    // Held (no handler), so the store keeps it: the scan below must find this one, proving it can.
    const control = `CLEAR-CONTROL-${randomBytes(4).toString('hex')}`;
    await bus.publish('plain.held', { marker: control });
    const held = `SECRET-HELD-${randomBytes(4).toString('hex')}`;
    await bus.publish('pay.held', { marker: held });

    await waitFor('every job handled', () => received.length === markers.length);
    expect(new Set(received.map((r) => r.marker))).toEqual(new Set(markers));
    const dlq = await waitFor('4 dead letters', async () => {
      const d = await deadLetters();
      return d.length === 4 && d;
    });
    expect(dlq.map((d) => d.reason)).toEqual(['error', 'error', 'error', 'error']);
    for (const d of dlq) {
      expect(d.headers[ENCRYPTION_HEADER]).toBe('v1; alg=A256GCM; kid=k1');
      expect(Buffer.from(d.body).includes('SECRET-MARKER')).toBe(false);
    }

    // `jetbus dlq show` shows the ciphertext and says so, unless --keys holds the key.
    const [first] = dlq;
    const noKeys = await cli('dlq', 'show', String(first.seq), '--server', t.server.url, '--json');
    expect(noKeys.code).toBe(0);
    const shownCipher = JSON.parse(noKeys.stdout) as {
      payload: { encoding: string; value: string };
      encryption: object;
    };
    expect(shownCipher.encryption).toEqual({
      kid: 'k1',
      decrypted: false,
      note: 'encrypted (kid=k1); shown as ciphertext: no keys given',
    });
    expect(Buffer.from(shownCipher.payload.value, 'base64').equals(Buffer.from(first.body))).toBe(true);
    const ringFile = join(mkdtempSync(join(tmpdir(), 'jetbus-enc-')), 'ring.json');
    writeFileSync(ringFile, JSON.stringify({ current: 'k1', keys: { k1: key1.toString('base64') } }), {
      mode: 0o600,
    });
    const withKeys = await cli(
      'dlq',
      'show',
      String(first.seq),
      '--server',
      t.server.url,
      '--keys',
      ringFile,
    );
    expect(withKeys.stdout).toContain('payload decrypted with key k1');
    expect(withKeys.stdout).toMatch(/"marker": "SECRET-MARKER-0-/);

    const dir = t.server.storeDir;
    await waitFor(
      'the control marker written to the store',
      async () => (await storeFilesWith(dir, control)).length > 0,
    );
    for (const marker of [...markers, held, 'SECRET-']) expect(await storeFilesWith(dir, marker)).toEqual([]);
    await stop(worker);
  });
  it('dead-letters each tampered job once as a DecryptError, ciphertext intact, none retried, none lost', async () => {
    // A genuine job for pay.refund, published and read back as stored before any worker runs.
    const producer = await start(ring('k1', { k1: key1 }), [], 'pay-producer');
    const ack = await producer.get(JetbusClient).publish('pay.refund', { marker: 'tampered' });
    const stored = await t.jsm.streams.getMessage('PAY', { seq: ack.seq });
    const base = {
      data: stored!.data,
      headers: Object.fromEntries([...stored!.header].map(([k, v]) => [k, v[0]])),
    };
    const jobId = base.headers['Jetbus-Job-Id'];
    expect(jobId).toBeTruthy();
    await t.jsm.streams.deleteMessage('PAY', ack.seq);
    const worker = await start(ring('k1', { k1: key1 }), [PayJobs]);

    const flip = (bytes: Uint8Array, at: number) => {
      const copy = Uint8Array.from(bytes);
      copy[at] ^= 0x01;
      return copy;
    };
    const n = base.data.length;
    const cases: {
      name: string;
      subject: string;
      data: Uint8Array;
      headers: Record<string, string>;
      failure: string;
    }[] = [
      {
        name: 'nonce',
        subject: 'pay.refund',
        data: flip(base.data, 0),
        headers: base.headers,
        failure: 'authentication-failed',
      },
      {
        name: 'ciphertext',
        subject: 'pay.refund',
        data: flip(base.data, 14),
        headers: base.headers,
        failure: 'authentication-failed',
      },
      {
        name: 'tag',
        subject: 'pay.refund',
        data: flip(base.data, n - 1),
        headers: base.headers,
        failure: 'authentication-failed',
      },
      {
        name: 'kid',
        subject: 'pay.refund',
        data: base.data,
        headers: { ...base.headers, [ENCRYPTION_HEADER]: 'v1; alg=A256GCM; kid=k0' },
        failure: 'unknown-key',
      },
      {
        name: 'job id',
        subject: 'pay.refund',
        data: base.data,
        headers: { ...base.headers, 'Jetbus-Job-Id': `${jobId}x` },
        failure: 'authentication-failed',
      },
      {
        name: 'subject',
        subject: 'pay.charge',
        data: base.data,
        headers: base.headers,
        failure: 'authentication-failed',
      },
      {
        name: 'cleartext',
        subject: 'pay.refund',
        data: new TextEncoder().encode('{"marker":"clear"}'),
        headers: {},
        failure: 'cleartext',
      },
    ];
    // Control: the same stored bytes and headers, untampered, are accepted.
    cases.push({
      name: 'untampered',
      subject: 'pay.refund',
      data: base.data,
      headers: base.headers,
      failure: '',
    });
    const seqs: number[] = [];
    for (const c of cases) {
      const h = natsHeaders();
      for (const [k, v] of Object.entries(c.headers)) if (k !== 'Nats-Msg-Id') h.set(k, v);
      seqs.push((await t.js.publish(c.subject, c.data, { headers: h })).seq);
    }
    const dlq = await waitFor('a dead letter per tampered job', async () => {
      const d = await deadLetters();
      return d.length >= cases.length - 1 && d;
    });
    await waitFor('the stream drained', streamEmpty);
    expect(received).toEqual([{ subject: 'pay.refund', marker: 'tampered' }]);
    expect(dlq).toHaveLength(cases.length - 1);
    const bySeq = new Map(dlq.map((d) => [Number(d.headers[H.Seq]), d]));
    cases.forEach((c, i) => {
      if (c.name === 'untampered') return expect(bySeq.has(seqs[i])).toBe(false);
      const d = bySeq.get(seqs[i])!;
      expect([c.name, d.reason, d.attempts]).toEqual([c.name, 'decrypt', 1]);
      if (c.failure === 'cleartext') expect(d.error).toMatch(/^CleartextRefusedError: /);
      else
        expect([c.name, d.error]).toEqual([
          c.name,
          expect.stringMatching(new RegExp(`^DecryptError: .*\\(${c.failure}\\)`)),
        ]);
      expect(Buffer.from(d.body).equals(Buffer.from(c.data))).toBe(true);
    });
    // Nothing retried: no consumer of the stream redelivered anything.
    for await (const c of t.jsm.consumers.list('PAY'))
      expect([c.name, c.num_redelivered]).toEqual([c.name, 0]);
    await stop(worker);
    await stop(producer);
  });
  it('rotates keys with jetbus keys: k1 and k2 jobs both decrypt; without k1 its jobs dead-letter, and replay once it is back', async () => {
    // The key ring file as the CLI writes it; each app reads it at its start, as a deployment does.
    const file = join(mkdtempSync(join(tmpdir(), 'jetbus-rotate-')), 'keys.json');
    const keys = async (...args: string[]) => {
      const r = await cli('keys', ...args, '--file', file);
      expect([args, r.code, r.stderr]).toEqual([args, 0, '']);
    };
    await keys('generate', '--kid', 'k1');
    const v1 = fileKeyProvider(file);
    await keys('rotate', '--kid', 'k2');
    const v2 = fileKeyProvider(file); // k2 current, k1 kept: the ring to restore later
    expect([v2.currentKey().id, v2.ids.sort()]).toEqual(['k2', ['k1', 'k2']]);
    const oldProducer = await start(v1, [], 'producer-k1');
    const newProducer = await start(v2, [], 'producer-k2');
    const publish = (app: INestApplicationContext, prefix: string) =>
      app
        .get(JetbusClient)
        .publishMany(
          Array.from({ length: 5 }, (_, i) => ({ subject: 'pay.charge', data: { marker: `${prefix}${i}` } })),
        );
    const markers = (prefix: string) => Array.from({ length: 5 }, (_, i) => `${prefix}${i}`);
    const got = () => new Set(received.map((r) => r.marker));

    await publish(oldProducer, 'a');
    await publish(newProducer, 'b');
    const both = await start(v2, [PayJobs]);
    await waitFor('k1 and k2 jobs handled', () => received.length === 10);
    expect(got()).toEqual(new Set([...markers('a'), ...markers('b')]));
    await stop(both);

    received.length = 0;
    await publish(oldProducer, 'c');
    await publish(newProducer, 'd');
    await keys('rotate', '--kid', 'k3', '--retire', 'k1');
    const withoutK1 = fileKeyProvider(file);
    expect(withoutK1.ids.sort()).toEqual(['k2', 'k3']);
    const k2Only = await start(withoutK1, [PayJobs]);
    const dlq = await waitFor('the k1 jobs dead-lettered', async () => {
      const d = await deadLetters();
      return d.length === 5 && d;
    });
    await waitFor('the stream drained', streamEmpty);
    expect(got()).toEqual(new Set(markers('d')));
    expect(dlq.map((d) => [d.reason, d.attempts, d.headers[ENCRYPTION_HEADER]])).toEqual(
      Array(5).fill(['decrypt', 1, 'v1; alg=A256GCM; kid=k1']),
    );
    for (const d of dlq) expect(d.error).toMatch(/^DecryptError: .*\(unknown-key\): key "k1" is not held/);
    await stop(k2Only);

    received.length = 0;
    const restored = await start(v2, [PayJobs]); // k1 restored (the ring from before --retire)
    const report = await replayDeadLetters(new DeadLetterStore(t.jsm), restored.get(JetbusConnection).js);
    expect([report.replayed.length, report.failed, report.skipped]).toEqual([5, [], []]);
    await waitFor('the replayed k1 jobs handled', () => received.length === 5);
    expect(got()).toEqual(new Set(markers('c')));
    expect(await deadLetters()).toEqual([]);
    await stop(restored);
    await stop(newProducer);
    await stop(oldProducer);
  });
  it("interoperates with Debian's python3 + cryptography following only the README's wire format", async () => {
    // No NATS client for Python is installed: the test moves the bytes, the script does the crypto.
    const python = (request: object): Record<string, unknown> => {
      const r = spawnSync('/usr/bin/python3', [join(__dirname, '../fixtures/jetbus-encryption.py')], {
        input: JSON.stringify(request),
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    const producer = await start(ring('k1', { k1: key1 }), [], 'producer-py');
    const ack = await producer.get(JetbusClient).publish('pay.charge', { marker: 'from-node', amount: 12.5 });
    const stored = await t.jsm.streams.getMessage('PAY', { seq: ack.seq });
    await t.jsm.streams.deleteMessage('PAY', ack.seq);
    const decrypted = python({
      op: 'decrypt',
      key: key1.toString('base64'),
      subject: 'pay.charge',
      headers: Object.fromEntries([...stored!.header].map(([k, v]) => [k, v[0]])),
      body: Buffer.from(stored!.data).toString('base64'),
    });
    expect(JSON.parse(Buffer.from(decrypted.plaintext as string, 'base64').toString())).toEqual({
      marker: 'from-node',
      amount: 12.5,
    });

    const sealed = python({
      op: 'encrypt',
      key: key1.toString('base64'),
      kid: 'k1',
      subject: 'pay.charge',
      job_id: 'py-job-1',
      plaintext: Buffer.from(JSON.stringify({ marker: 'from-python' })).toString('base64'),
    }) as { headers: Record<string, string>; body: string };
    const h = natsHeaders();
    for (const [k, v] of Object.entries(sealed.headers)) h.set(k, v);
    await t.js.publish('pay.charge', Buffer.from(sealed.body, 'base64'), { headers: h });
    const worker = await start(ring('k1', { k1: key1 }), [PayJobs]);
    await waitFor('the python job handled', () => received.length === 1);
    expect(received).toEqual([{ subject: 'pay.charge', marker: 'from-python' }]);
    expect(await deadLetters()).toEqual([]);
    await stop(worker);
    await stop(producer);
  });
  it('encrypts a delayed job for its delivery subject: ciphertext while scheduled, decrypted once released', async () => {
    const worker = await start(ring('k1', { k1: key1 }), [PayJobs]);
    const marker = `SECRET-DELAYED-${randomBytes(4).toString('hex')}`;
    const ack = await worker.get(JetbusClient).publish('pay.refund', { marker }, { delay: 500 });
    const scheduled = await t.jsm.streams.getMessage(ack.stream, { seq: ack.seq });
    expect(scheduled!.header.get(ENCRYPTION_HEADER)).toBe('v1; alg=A256GCM; kid=k1');
    expect(scheduled!.header.get('Jetbus-Job-Id')).toBe(ack.jobId);
    expect(Buffer.from(scheduled!.data).includes(marker)).toBe(false);
    await waitFor('the released job handled', () => received.length === 1);
    expect(received).toEqual([{ subject: 'pay.refund', marker }]);
    expect(await deadLetters()).toEqual([]);
    await stop(worker);
  });
  it('accepts cleartext on an encrypted subject only during a migration window (acceptCleartext)', async () => {
    const worker = await start(ring('k1', { k1: key1 }), [PayJobs], 'pay', true);
    const bus = worker.get(JetbusClient);
    await bus.publish('pay.charge', { marker: 'old-clear' }, { encrypt: false });
    await bus.publish('pay.charge', { marker: 'new-encrypted' });
    await waitFor('both handled', () => received.length === 2);
    expect(new Set(received.map((r) => r.marker))).toEqual(new Set(['old-clear', 'new-encrypted']));
    expect(await deadLetters()).toEqual([]);
    await stop(worker);
  });
});
