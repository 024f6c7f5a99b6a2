import { type INestApplicationContext } from '@nestjs/common';
import { type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { type AuditEntry } from '@jetbus/admin';
import { CANCELLED_BUCKET, JetbusClient } from '@jetbus/core';
import { startJetbusApp } from '../support/jetbus-app';
import { useAdmin } from '../support/use-admin';

/** The latest audit entry of `action`, read straight from the audit stream. */
async function lastAudit(jsm: JetStreamManager, action: string): Promise<AuditEntry | undefined> {
  const msg = await jsm.streams.getMessage('JETBUS_AUDIT', { last_by_subj: `jetbus.audit.${action}` });
  return msg?.json<AuditEntry>();
}

describe('jobs API: cancel', () => {
  const t = useAdmin();

  it('an operator cancels a job by id: the request is recorded in JETBUS_CANCELLED and audited', async () => {
    const res = await t
      .api('operator')
      .post<{ jobId: string; outcome: string; cancellation: { state: string } }>('/api/jobs/export-7/cancel');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      jobId: 'export-7',
      outcome: 'requested',
      cancellation: { state: 'requested' },
    });
    const kv = await new Kvm(t.js).open(CANCELLED_BUCKET);
    expect((await kv.get('export-7'))?.operation).toBe('PUT');
    expect(await lastAudit(t.jsm, 'job.cancel')).toMatchObject({ action: 'job.cancel', target: 'export-7' });

    const bySeq = await t.api('admin').post<{ jobId: string }>('/api/jobs/ORDERS:42/cancel');
    expect(bySeq).toMatchObject({ status: 200, body: { jobId: 'ORDERS:42' } });
  });

  it('a viewer may not; a bad id is a 400', async () => {
    expect((await t.api('viewer').post('/api/jobs/export-8/cancel')).status).toBe(403);
    expect((await t.api('operator').post('/api/jobs/a%20b/cancel')).status).toBe(400);
    expect((await t.api('operator').post(`/api/jobs/${'x'.repeat(129)}/cancel`)).status).toBe(400);
  });
});

describe('jobs API: cancel, with a scheduling stream of its own', () => {
  let producer: INestApplicationContext | undefined;
  // Before useAdmin: afterAll hooks run in order, and the producer must close before the server.
  afterAll(async () => {
    await producer?.close();
  });
  const t = useAdmin({ schedulingStream: 'MY_SCHEDULED' });

  it('cancels a job scheduled in the stream the app is configured with', async () => {
    producer = await startJetbusApp(
      {
        servers: t.server.url,
        name: 'late-producer',
        logger: false,
        scheduling: { stream: 'MY_SCHEDULED' },
        streams: [{ name: 'LATE', subjects: ['late.>'] }],
      },
      [],
    );
    await producer.get(JetbusClient).publish('late.run', { n: 1 }, { delay: 3_600_000, jobId: 'late-1' });
    expect((await t.api('viewer').get<{ total: number }>('/api/scheduled')).body.total).toBe(1);

    const res = await t.api('operator').post('/api/jobs/late-1/cancel');
    expect(res).toMatchObject({
      status: 200,
      body: { jobId: 'late-1', outcome: 'cancelled', scheduled: 'cancelled', subject: 'late.run' },
    });
  });
});
