import { type INestApplicationContext, Injectable } from '@nestjs/common';
import { JetbusClient, JobHandler, Payload, type ScheduledPubAck } from '@jetbus/core';
import { MetricsSampler } from '../../apps/admin/src/metrics/metrics-sampler';
import { startJetbusApp } from '../support/jetbus-app';
import { auditTrail } from '../support/audit-trail';
import { useAdmin } from '../support/use-admin';
import { waitFor } from '../support/wait-for';

interface Item {
  jobId: string;
  subject: string;
  deliverAt: string | null;
  scheduledAt: string;
  seq: number;
  bytes: number;
}
interface Page {
  items: Item[];
  next: string | null;
  total: number;
}
interface ErrorBody {
  statusCode: number;
  message: string | string[];
}

/** Records the delayed jobs it runs: the worker that releases `ship.now`. */
@Injectable()
class ShipNowJobs {
  static ran: string[] = [];

  @JobHandler('ship.now')
  run(@Payload() job: { id: string }): void {
    ShipNowJobs.ran.push(job.id);
  }
}

const HOUR = 3_600_000;
const STREAMS = [{ name: 'SHIP', subjects: ['ship.>'], retention: 'limits' as const }];

describe('admin: scheduled jobs', () => {
  const t = useAdmin();

  it('documents both routes in the OpenAPI document', async () => {
    const res = await t.anonymous.get<{ paths: Record<string, Record<string, unknown>> }>('/api/docs-json');
    const routes = Object.entries(res.body.paths)
      .filter(([path]) => path.startsWith('/api/scheduled'))
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(routes).toEqual(['GET /api/scheduled', 'POST /api/scheduled/{jobId}/cancel']);
  });

  it('answers an empty page while there is no scheduling stream yet', async () => {
    const res = await t.api('viewer').get('/api/scheduled');
    expect([res.status, res.body]).toEqual([200, { items: [], next: null, total: 0 }]);
  });

  describe('with jobs scheduled by a producer', () => {
    let producer: INestApplicationContext;
    let bus: JetbusClient;
    /** Due time of each job, by id. */
    const due = new Map<string, string>();

    beforeAll(async () => {
      // No handlers: it schedules, and releases nothing.
      producer = await startJetbusApp(
        { servers: t.server.url, name: 'ship-producer', logger: false, scheduling: {}, streams: STREAMS },
        [],
      );
      bus = producer.get(JetbusClient);
      const jobs = [
        ...['s1', 's2', 's3', 's4'].map((id, i) => ({ id, subject: 'ship.created', delay: (i + 1) * HOUR })),
        { id: 'b1', subject: 'bill.due', delay: 2 * HOUR },
      ];
      for (const job of jobs) {
        const ack = (await bus.publish(
          job.subject,
          { id: job.id },
          { delay: job.delay, jobId: job.id },
        )) as ScheduledPubAck;
        due.set(job.id, ack.deliverAt.toISOString());
      }
    });
    afterAll(async () => producer?.close());

    it('lists them to a viewer in the order they were scheduled, a page at a time', async () => {
      const viewer = t.api('viewer');
      const first = await viewer.get<Page>('/api/scheduled?limit=2');
      expect(first.status).toBe(200);
      expect(first.body.items.map((i) => i.jobId)).toEqual(['s1', 's2']);
      expect(first.body.total).toBe(5);
      expect(first.body.items[0]).toEqual({
        jobId: 's1',
        subject: 'ship.created',
        deliverAt: due.get('s1'),
        scheduledAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
        seq: expect.any(Number) as number,
        bytes: JSON.stringify({ id: 's1' }).length,
      });
      const seen = first.body.items.map((i) => i.jobId);
      let next = first.body.next;
      while (next !== null) {
        const page = await viewer.get<Page>(`/api/scheduled?limit=2&cursor=${next}`);
        seen.push(...page.body.items.map((i) => i.jobId));
        next = page.body.next;
      }
      expect(seen).toEqual(['s1', 's2', 's3', 's4', 'b1']);
    });

    it('counts them on the overview and in the metrics timeline', async () => {
      const res = await t.api('viewer').get<{ scheduled: number }>('/api/overview');
      expect(res.body.scheduled).toBe(5);
      await t.admin.app.get(MetricsSampler).sampleNow();
      const timeline = await t
        .api('viewer')
        .get<{ points: { scheduled: number }[] }>('/api/metrics/timeline?window=15m');
      expect(timeline.body.points.at(-1)?.scheduled).toBe(5);
    });

    it('filters by subject, wildcards included', async () => {
      const ids = async (q: string) =>
        (await t.api('viewer').get<Page>(`/api/scheduled?subject=${encodeURIComponent(q)}`)).body.items.map(
          (i) => i.jobId,
        );
      expect(await ids('bill.due')).toEqual(['b1']);
      expect(await ids('ship.*')).toEqual(['s1', 's2', 's3', 's4']);
      expect(await ids('nothing.here')).toEqual([]);
    });

    it.each([
      ['limit=0', 'limit must be between 1 and 200'],
      ['limit=201', 'limit must be between 1 and 200'],
      ['cursor=abc', 'cursor must be the `next` value of a previous page'],
      ['subject=a%20b', 'subject must be a subject or a wildcard filter'],
      ['subject=a.%3E.b', 'invalid option "subject": must be a subject or a wildcard filter, got "a.>.b"'],
      ['stream=X', 'property stream should not exist'],
    ])('refuses ?%s with a 400 naming the field', async (query, message) => {
      const res = await t.api('viewer').get<ErrorBody>(`/api/scheduled?${query}`);
      expect(res.status).toBe(400);
      expect([res.body.message].flat().join('; ')).toContain(message);
    });

    it('refuses a cancel to a viewer (403), a stranger (401) and a session without its CSRF token (403)', async () => {
      expect((await t.api('viewer').post('/api/scheduled/s2/cancel')).status).toBe(403);
      expect((await t.anonymous.post('/api/scheduled/s2/cancel')).status).toBe(401);
      const session = await t.login('operator');
      const noToken = await fetch(`${t.url}/api/scheduled/s2/cancel`, {
        method: 'POST',
        headers: { cookie: session.cookie },
      });
      expect(noToken.status).toBe(403);
      expect((await bus.listScheduled()).jobs.map((j) => j.jobId)).toContain('s2');
    });

    it('cancels a job for an operator, audited with what it was', async () => {
      const res = await t.api('operator').post('/api/scheduled/s3/cancel');
      expect([res.status, res.body]).toEqual([
        200,
        { jobId: 's3', outcome: 'cancelled', subject: 'ship.created', deliverAt: due.get('s3') },
      ]);
      expect((await bus.listScheduled()).jobs.map((j) => j.jobId)).toEqual(['s1', 's2', 's4', 'b1']);
      const listed = await t.api('viewer').get<Page>('/api/scheduled');
      expect(listed.body.items.map((i) => i.jobId)).toEqual(['s1', 's2', 's4', 'b1']);
      expect(listed.body.total).toBe(4);
      // A second cancel answers as the first (the job stays cancelled); the entry is gone.
      const again = await t.api('operator').post('/api/scheduled/s3/cancel');
      expect([again.status, again.body]).toEqual([
        200,
        { jobId: 's3', outcome: 'cancelled', subject: null, deliverAt: null },
      ]);
      // Through a session too (cookie and CSRF token).
      const session = await t.login('operator');
      expect((await session.post('/api/scheduled/s4/cancel')).status).toBe(200);

      const trail = (await auditTrail(t.jsm)).filter((e) => e.action === 'scheduled.cancel');
      expect(trail).toEqual([
        expect.objectContaining({
          actor: 'operator-token',
          role: 'operator',
          via: 'token',
          target: 'JETBUS_SCHEDULED/s3',
          result: 'ok',
          before: { jobId: 's3', subject: 'ship.created', deliverAt: due.get('s3'), seq: expect.any(Number) },
          after: { outcome: 'cancelled' },
        }),
        expect.objectContaining({
          target: 'JETBUS_SCHEDULED/s3',
          result: 'ok',
          after: { outcome: 'cancelled' },
        }),
        expect.objectContaining({
          actor: 'operator',
          via: 'password',
          target: 'JETBUS_SCHEDULED/s4',
          result: 'ok',
        }),
      ]);
      expect(trail[1].before).toBeUndefined();
    });

    it('answers 404 for a job that is not scheduled and 400 for a malformed id, both before any change', async () => {
      const missing = await t.api('operator').post<ErrorBody>('/api/scheduled/never-scheduled/cancel');
      expect([missing.status, missing.body.message]).toEqual([
        404,
        'no scheduled job never-scheduled in JETBUS_SCHEDULED',
      ]);
      const bad = await t
        .api('operator')
        .post<ErrorBody>(`/api/scheduled/${encodeURIComponent('a$b')}/cancel`);
      expect(bad.status).toBe(400);
      expect([bad.body.message].flat()).toEqual(['jobId must be 1 to 128 letters, digits, "-" or "_"']);
      const failed = (await auditTrail(t.jsm)).filter(
        (e) => e.action === 'scheduled.cancel' && e.result === 'error',
      );
      expect(failed).toEqual([
        expect.objectContaining({
          target: 'JETBUS_SCHEDULED/never-scheduled',
          error: 'no scheduled job never-scheduled in JETBUS_SCHEDULED',
          after: { outcome: 'not-found' },
        }),
      ]);
    });

    it('answers 409 for a job a worker released before the cancel', async () => {
      const worker = await startJetbusApp(
        { servers: t.server.url, name: 'ship-worker', logger: false, scheduling: {}, streams: STREAMS },
        [ShipNowJobs],
      );
      try {
        await bus.publish('ship.now', { id: 'n1' }, { delay: 200, jobId: 'n1' });
        await waitFor('n1 released and run', () => ShipNowJobs.ran.includes('n1'), 15_000);
        const res = await t.api('operator').post<ErrorBody>('/api/scheduled/n1/cancel');
        expect([res.status, res.body.message]).toEqual([
          409,
          'job n1 was already released to its subject; it is no longer scheduled',
        ]);
        expect(ShipNowJobs.ran).toEqual(['n1']);
      } finally {
        await worker.close();
      }
    });
  });
});
