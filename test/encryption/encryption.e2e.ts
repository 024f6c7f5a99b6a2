import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type INestApplicationContext, Injectable } from '@nestjs/common';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  DeadLetterHeaders as H,
  DeadLetterStore,
  ENCRYPTION_HEADER,
  JetbusClient,
  JobHandler,
  KeyRing,
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
 * About 10 s.
 */
const key1 = randomBytes(32);
const key2 = randomBytes(32);
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
  ): Promise<INestApplicationContext> => {
    const app = await startJetbusApp(
      {
        servers: t.server.url,
        name,
        logger: false,
        streams: [{ name: 'PAY', subjects: ['pay.>', 'plain.>'], retention: 'workqueue', storage: 'file' }],
        encryption: { keys, subjects: ['pay.>'] },
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

    const dir = t.server.storeDir;
    await waitFor(
      'the control marker written to the store',
      async () => (await storeFilesWith(dir, control)).length > 0,
    );
    for (const marker of [...markers, held, 'SECRET-']) expect(await storeFilesWith(dir, marker)).toEqual([]);
    await stop(worker);
  });
});
