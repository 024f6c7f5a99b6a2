import { type KV, Kvm } from '@nats-io/kv';
import { AuditService } from '../../apps/admin/src/audit/audit.service';
import { MetricsSampler } from '../../apps/admin/src/metrics/metrics-sampler';
import { handler, heartbeat } from './workers-fixture';
import { useAdmin } from '../support/use-admin';

interface Timeline {
  intervalMs: number;
  points: { at: string; processed: number; failed: number; pending: number; deadLetters: number }[];
}

const HOUR = 3_600_000;

describe('GET /api/metrics/timeline', () => {
  // One sample at startup, then only those the test asks for: the sums below are exact.
  const t = useAdmin({ sampleIntervalMs: HOUR });
  let kv: KV;
  const sample = () => t.admin.app.get(MetricsSampler).sampleNow();
  const put = (hb: ReturnType<typeof heartbeat>) => kv.put(hb.id, JSON.stringify(hb));

  beforeAll(async () => {
    kv = await new Kvm(t.js).create('JETBUS_WORKERS', { history: 1, ttl: 3 * HOUR });
    await t.jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'] });
  });

  it('needs a signed-in caller (401); a viewer may read', async () => {
    expect((await t.anonymous.get('/api/metrics/timeline')).status).toBe(401);
    expect((await t.api('viewer').get('/api/metrics/timeline')).status).toBe(200);
  });

  it.each(['5m', '1d', ''])('refuses window=%s with 400', async (window) => {
    const res = await t.api('viewer').get<{ message: string[] }>(`/api/metrics/timeline?window=${window}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(['window must be one of 15m, 1h, 6h, 24h']);
  });

  it('counts work from cumulative heartbeat counters across restarts, new and vanished workers', async () => {
    const started = new Date(Date.now() - HOUR / 2);
    // A worker running before the app saw it: its 10 are history, not this window's work.
    await put(heartbeat('orders.a.1.aa', new Date(), [handler('OrderJobs.reserve', 10)], started));
    await sample();
    await put(heartbeat('orders.a.1.aa', new Date(), [handler('OrderJobs.reserve', 25)], started)); // +15
    await sample();
    // Restarted under the same key: its counter fell to 4, all new work.
    await put(heartbeat('orders.a.1.aa', new Date(), [handler('OrderJobs.reserve', 4)], new Date())); // +4
    // A worker started after the last sample: all of its 7 are new.
    await put(heartbeat('orders.b.2.bb', new Date(), [handler('OrderJobs.reserve', 7)], new Date())); // +7
    await t.js.publish('dlq.orders.created', 'dead');
    await sample();
    // Gone: adds nothing, takes nothing away.
    await kv.delete('orders.a.1.aa');
    await sample();

    const res = await t.api('viewer').get<Timeline>('/api/metrics/timeline?window=15m');
    expect(res.status).toBe(200);
    expect(res.body.intervalMs).toBe(HOUR);
    expect(res.body.points.reduce((sum, p) => sum + p.processed, 0)).toBe(26);
    expect(res.body.points.reduce((sum, p) => sum + p.failed, 0)).toBe(6); // the restarted and the new worker: failed 3 each
    expect(res.body.points.at(-1)).toMatchObject({ pending: 0, deadLetters: 1 });
    for (const p of res.body.points) expect(p.at).toBe(new Date(Date.parse(p.at)).toISOString());
  });
});

describe('GET /metrics', () => {
  const t = useAdmin();

  it('needs a signed-in caller (401); a viewer token may scrape', async () => {
    expect((await t.anonymous.get('/metrics')).status).toBe(401);
    const res = await t.api('viewer').get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('counts requests by route pattern and status, audit writes, samples and process metrics', async () => {
    await t.api('viewer').get('/api/workers');
    await t.api('viewer').get('/api/audit');
    await t.anonymous.get('/api/no/such/route');
    await t.admin.app
      .get(AuditService)
      .record(
        { principal: { name: 'alice', role: 'admin', via: 'password' } },
        { action: 'stream.create', target: 'X' },
        'ok',
      );
    await t.admin.app.get(MetricsSampler).sampleNow();
    const { text } = await t.api('viewer').get('/metrics');
    expect(text).toContain(
      'jetbus_admin_http_requests_total{method="GET",route="/api/workers",status="200"} 1',
    );
    expect(text).toContain(
      'jetbus_admin_http_requests_total{method="GET",route="/api/audit",status="403"} 1',
    );
    expect(text).toContain(
      'jetbus_admin_http_requests_total{method="GET",route="(unmatched)",status="404"} 1',
    );
    expect(text).toContain('jetbus_admin_audit_writes_total{outcome="written",result="ok"} 1');
    expect(text).toMatch(/^jetbus_admin_sampler_samples_total\{outcome="ok"\} [2-9]\d*$/m);
    expect(text).toContain('# TYPE jetbus_admin_process_cpu_user_seconds_total counter');
    expect(text).toContain('# TYPE jetbus_admin_http_request_duration_seconds histogram');
  });
});
