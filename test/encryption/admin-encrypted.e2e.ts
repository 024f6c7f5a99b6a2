import { randomBytes } from 'node:crypto';
import { type INestApplicationContext, Injectable } from '@nestjs/common';
import { JetbusClient, JobHandler, KeyRing, NonRetryableError, Payload } from '@jetbus/core';
import { auditTrail } from '../support/audit-trail';
import { startJetbusApp } from '../support/jetbus-app';
import { useAdmin } from '../support/use-admin';
import { waitFor } from '../support/wait-for';

/**
 * The admin app and encrypted jobs: it shows ciphertext and says so, replays an encrypted dead
 * letter so the handler decrypts it, refuses to edit one, and its audit trail never holds the
 * plaintext. About 5 s.
 */
const handled: string[] = [];
let failing = true;

@Injectable()
class SecretJobs {
  @JobHandler('secret.job')
  run(@Payload() job: { marker: string }): void {
    if (failing) throw new NonRetryableError('not yet');
    handled.push(job.marker);
  }
}

interface PayloadBody {
  format: string;
  text: string;
  encryption?: { kid?: string; note: string };
}

describe('admin app with encrypted jobs', () => {
  const t = useAdmin();
  let worker: INestApplicationContext;
  const marker = `ADMIN-SECRET-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    worker = await startJetbusApp(
      {
        servers: t.server.url,
        name: 'admin-enc',
        logger: false,
        streams: [{ name: 'SECRET', subjects: ['secret.>'], retention: 'workqueue' }],
        encryption: { keys: new KeyRing('test', 'k1', { k1: randomBytes(32) }), subjects: ['secret.>'] },
      },
      [SecretJobs],
    );
  });
  afterAll(() => worker.close());

  it('shows ciphertext and says so, replays it decryptable, refuses edits, and audits no plaintext', async () => {
    const bus = worker.get(JetbusClient);
    await bus.publish('secret.job', { marker });
    await bus.publish('secret.held', { marker });
    const dlqSeq = await waitFor('the dead letter', async () => {
      const { state } = await t.jsm.streams
        .info('JETBUS_DLQ')
        .catch(() => ({ state: { messages: 0, last_seq: 0 } }));
      return state.messages === 1 && state.last_seq;
    });
    const viewer = t.api('viewer');
    const operator = t.api('operator');

    const dl = await viewer.get<{ payload: PayloadBody; reason: string }>(`/api/dead-letters/${dlqSeq}`);
    expect(dl.status).toBe(200);
    expect(dl.body.payload).toMatchObject({ format: 'hex', encryption: { kid: 'k1' } });
    expect(dl.body.payload.encryption!.note).toContain('shown as ciphertext, the admin app holds no keys');
    expect(dl.text).not.toContain(marker);
    const held = await viewer.get<{ messages: { subject: string; payload: PayloadBody }[] }>(
      '/api/streams/SECRET/messages',
    );
    expect(held.body.messages.map((m) => [m.subject, m.payload.encryption?.kid])).toEqual([
      ['secret.held', 'k1'],
    ]);
    expect(held.text).not.toContain(marker);

    const edit = await operator.post(`/api/dead-letters/${dlqSeq}/edit-replay`, {
      payload: '{"marker":"x"}',
    });
    expect(edit.status).toBe(409);
    failing = false;
    const replay = await operator.post(`/api/dead-letters/${dlqSeq}/replay`);
    expect(replay.status).toBe(200);
    await waitFor('the replayed job decrypted and handled', () => handled.length === 1);
    expect(handled).toEqual([marker]);

    const audit = await auditTrail(t.jsm);
    expect(audit.map((e) => e.action)).toContain('dlq.replay');
    expect(JSON.stringify(audit)).not.toContain(marker);
  });
});
