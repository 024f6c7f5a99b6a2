import { Injectable } from '@nestjs/common';
import { JetbusMetrics, JobHandler, NonRetryableError, Payload } from '@jetbus/core';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

@Injectable()
class MeteredJobs {
  @JobHandler('metered.job', { maxAttempts: 2, backoff: { type: 'fixed', delay: 20 } })
  run(@Payload() job: { n: number }): void {
    if (job.n === 1) throw new Error('flaky');
    if (job.n === 2) throw new NonRetryableError('bad');
  }
}

describe('Prometheus metrics', () => {
  const t = useJetbus(
    {
      name: 'met',
      logger: false,
      streams: [{ name: 'MET', subjects: ['metered.>'] }],
    },
    [MeteredJobs],
  );

  it('counts outcomes per handler and reports consumer backlog at scrape time', async () => {
    const bus = t.bus;
    await bus.publish('metered.job', { n: 0 }, { msgId: 'm0' });
    await bus.publish('metered.job', { n: 0 }, { msgId: 'm0' });
    await bus.publish('metered.job', { n: 1 });
    await bus.publish('metered.job', { n: 2 });
    const { jsm } = t.connection;
    await waitFor(
      'settled',
      async () =>
        (await jsm.consumers.info('MET', 'met_metered-job')).num_ack_pending === 0 &&
        (await jsm.streams.info('JETBUS_DLQ')).state.messages === 2,
    );

    const registry = t.app.get(JetbusMetrics).registry;
    const value = async (name: string, labels: Record<string, string>) => {
      const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
      const entry = (metric?.values ?? []).find((v) =>
        Object.entries(labels).every(([k, l]) => v.labels[k] === l),
      );
      return entry?.value;
    };
    const h = { handler: 'MeteredJobs.run', subject: 'metered.job' };
    expect(await value('jetbus_jobs_total', { ...h, outcome: 'acked' })).toBe(1);
    expect(await value('jetbus_jobs_total', { ...h, outcome: 'retried' })).toBe(1);
    expect(await value('jetbus_jobs_total', { ...h, outcome: 'dead_lettered' })).toBe(2);
    expect(await value('jetbus_published_total', { outcome: 'stored' })).toBe(3);
    expect(await value('jetbus_published_total', { outcome: 'duplicate' })).toBe(1);
    expect(await value('jetbus_jobs_in_flight', { handler: 'MeteredJobs.run' })).toBe(0);
    expect(await value('jetbus_consumer_ack_pending', { stream: 'MET', consumer: 'met_metered-job' })).toBe(
      0,
    );
    expect(await value('jetbus_consumer_pending', { stream: 'MET', consumer: 'met_metered-job' })).toBe(0);
    const text = await registry.metrics();
    expect(text).toContain('jetbus_job_duration_seconds_count{handler="MeteredJobs.run"} 4');
  });
});
