import { Injectable } from '@nestjs/common';
import { JetbusMetrics, JobHandler, NonRetryableError, Payload } from '@jetbus/core';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

@Injectable()
class ExposedJobs {
  @JobHandler('expo.job', { maxAttempts: 2, backoff: { type: 'fixed', delay: 20 } })
  run(@Payload() job: { n: number }): void {
    if (job.n === 1) throw new Error('flaky');
    if (job.n === 2) throw new NonRetryableError('bad');
  }

  @JobHandler('expo.lane', { priorities: true })
  lane(@Payload() _job: { n: number }): void {}
}

// Handler run times vary: their bucket counts and sums are checked apart, by shape.
const timed = (text: string) =>
  text
    .replace(/^(jetbus_job_duration_seconds_bucket\{le="(?!\+Inf)[^"]+",.*\}) \d+$/gm, '$1 <n>')
    .replace(/^(jetbus_job_duration_seconds_sum\{.*\}) \S+$/gm, '$1 <s>');

const durationBuckets = (handler: string, count: number) =>
  ['0.001', '0.005', '0.01', '0.05', '0.1', '0.5', '1', '5', '30', '120']
    .map((le) => `jetbus_job_duration_seconds_bucket{le="${le}",handler="${handler}"} <n>`)
    .concat(
      `jetbus_job_duration_seconds_bucket{le="+Inf",handler="${handler}"} ${count}`,
      `jetbus_job_duration_seconds_sum{handler="${handler}"} <s>`,
      `jetbus_job_duration_seconds_count{handler="${handler}"} ${count}`,
    );

/**
 * The whole `/metrics` text of a worker's registry after jobs of every outcome, compared line for
 * line: the metrics counted per job are handed to prom-client only when it is read, and must read
 * exactly as when prom-client counted every call (names, HELP and TYPE, labels and their order,
 * series order, values).
 */
const expected = [
  '# HELP jetbus_jobs_total Jobs settled, by handler, subject and outcome (acked, retried, dead_lettered, skipped_completed, cancelled)',
  '# TYPE jetbus_jobs_total counter',
  'jetbus_jobs_total{handler="ExposedJobs.run",subject="expo.job",outcome="acked"} 2',
  'jetbus_jobs_total{handler="ExposedJobs.run",subject="expo.job",outcome="dead_lettered"} 2',
  'jetbus_jobs_total{handler="ExposedJobs.run",subject="expo.job",outcome="retried"} 1',
  'jetbus_jobs_total{handler="ExposedJobs.lane",subject="expo.lane",outcome="acked"} 3',
  '',
  '# HELP jetbus_jobs_in_flight Handlers running now, by handler',
  '# TYPE jetbus_jobs_in_flight gauge',
  'jetbus_jobs_in_flight{handler="ExposedJobs.run"} 0',
  'jetbus_jobs_in_flight{handler="ExposedJobs.lane"} 0',
  '',
  '# HELP jetbus_job_duration_seconds Handler run time (decode, validation and handler), by handler',
  '# TYPE jetbus_job_duration_seconds histogram',
  ...durationBuckets('ExposedJobs.run', 5),
  ...durationBuckets('ExposedJobs.lane', 3),
  '',
  '# HELP jetbus_lane_jobs_pulled_total Jobs pulled by handlers with priorities or fairness, by handler and lane (high, normal, low; ungrouped or group: all groups together, to bound the label values)',
  '# TYPE jetbus_lane_jobs_pulled_total counter',
  'jetbus_lane_jobs_pulled_total{handler="ExposedJobs.lane",lane="high"} 1',
  'jetbus_lane_jobs_pulled_total{handler="ExposedJobs.lane",lane="normal"} 2',
  '',
  '# HELP jetbus_rate_limited_waits_total Jobs that waited for a rateLimit slot (held in process or nak-ed until it), by handler',
  '# TYPE jetbus_rate_limited_waits_total counter',
  '',
  '# HELP jetbus_rate_limited_wait_seconds How long a rate-limited job waited for its slot (one wait per hold or nak), by handler',
  '# TYPE jetbus_rate_limited_wait_seconds histogram',
  '',
  '# HELP jetbus_published_total Messages published through JetbusClient, by outcome (stored, duplicate, failed, unique_refused)',
  '# TYPE jetbus_published_total counter',
  'jetbus_published_total{outcome="stored"} 7',
  'jetbus_published_total{outcome="duplicate"} 1',
  'jetbus_published_total{outcome="failed"} 1',
  'jetbus_published_total{outcome="unique_refused"} 1',
  '',
  '# HELP jetbus_dead_letters_minimal_total Max-delivered jobs the reaper could not copy into the DLQ and recorded without payload, by source stream',
  '# TYPE jetbus_dead_letters_minimal_total counter',
  '',
  '# HELP jetbus_scheduled_jobs_total Delayed jobs, by subject and outcome (scheduled by this client, released or cancelled by this process)',
  '# TYPE jetbus_scheduled_jobs_total counter',
  '',
  '# HELP jetbus_scheduled_release_lateness_seconds How long after its due time a delayed job was released into its stream, by subject',
  '# TYPE jetbus_scheduled_release_lateness_seconds histogram',
  '',
  '# HELP jetbus_periodic_ticks_total Ticks of periodic schedules this process fired, by schedule and outcome (published, deduplicated: another instance published it, skipped_paused, skipped_overlap, skipped_missed)',
  '# TYPE jetbus_periodic_ticks_total counter',
  '',
  '# HELP jetbus_consumer_pending Messages not yet delivered to the consumer, by stream and consumer',
  '# TYPE jetbus_consumer_pending gauge',
  'jetbus_consumer_pending{stream="EXPO",consumer="expo_expo-job"} 0',
  'jetbus_consumer_pending{stream="EXPO",consumer="expo_expo-lane"} 0',
  'jetbus_consumer_pending{stream="JETBUS_ADVISORIES",consumer="jetbus-reaper_EXPO"} 0',
  '',
  '# HELP jetbus_consumer_ack_pending Messages delivered but not yet acked, by stream and consumer',
  '# TYPE jetbus_consumer_ack_pending gauge',
  'jetbus_consumer_ack_pending{stream="EXPO",consumer="expo_expo-job"} 0',
  'jetbus_consumer_ack_pending{stream="EXPO",consumer="expo_expo-lane"} 0',
  'jetbus_consumer_ack_pending{stream="JETBUS_ADVISORIES",consumer="jetbus-reaper_EXPO"} 0',
  '',
].join('\n');

describe('Prometheus exposition after jobs of every outcome', () => {
  const t = useJetbus(
    {
      name: 'expo',
      logger: false,
      streams: [{ name: 'EXPO', subjects: ['expo.>'] }],
    },
    [ExposedJobs],
  );

  it('reads the same text, series order included, as prom-client counting every call', async () => {
    const bus = t.bus;
    const registry = t.app.get(JetbusMetrics).registry;
    const jobs = async (labels: Record<string, string>) =>
      (await registry.getSingleMetric('jetbus_jobs_total')!.get()).values.find((v) =>
        Object.entries(labels).every(([k, l]) => v.labels[k] === l),
      )?.value ?? 0;
    // One job at a time, each counted before the next is published: the order in which series
    // first appear is then fixed, and the registry is read between jobs as a scraper would.
    const run = { handler: 'ExposedJobs.run' };
    await bus.publish('expo.job', { n: 0 }, { msgId: 'x0' });
    await waitFor('acked', async () => (await jobs({ ...run, outcome: 'acked' })) === 1);
    await bus.publish('expo.job', { n: 0 }, { msgId: 'x0' });
    await bus.publish('expo.job', { n: 2 });
    await waitFor('dead-lettered', async () => (await jobs({ ...run, outcome: 'dead_lettered' })) === 1);
    await bus.publish('expo.job', { n: 1 });
    await waitFor(
      'retried, then dead-lettered',
      async () => (await jobs({ ...run, outcome: 'dead_lettered' })) === 2,
    );
    expect(await jobs({ ...run, outcome: 'retried' })).toBe(1);
    await bus.publish('expo.job', { n: 0 });
    await waitFor('acked again', async () => (await jobs({ ...run, outcome: 'acked' })) === 2);

    await expect(bus.publish('nowhere.job', { n: 0 }, { timeout: '1s' })).rejects.toThrow();
    await bus.publish('expo.lane', { n: 0 }, { priority: 'high', unique: { key: 'expo-1', for: '1h' } });
    await bus.publish('expo.lane', { n: 1 }, { unique: { key: 'expo-1', for: '1h' } });
    await bus.publish('expo.lane', { n: 2 });
    await bus.publish('expo.lane', { n: 3 });
    await waitFor('lane jobs acked', async () => (await jobs({ handler: 'ExposedJobs.lane' })) === 3);
    const { jsm } = t.connection;
    await waitFor('nothing pending', async () => {
      const consumers = ['expo_expo-job', 'expo_expo-lane'].map((c) => jsm.consumers.info('EXPO', c));
      return (await Promise.all(consumers)).every((c) => c.num_pending === 0 && c.num_ack_pending === 0);
    });

    const text = await registry.metrics();
    expect(timed(text)).toBe(expected);
    // The run times masked above: cumulative buckets that end at the count, and a positive sum.
    for (const [handler, count] of [
      ['ExposedJobs.run', 5],
      ['ExposedJobs.lane', 3],
    ] as const) {
      const buckets = [
        ...text.matchAll(
          new RegExp(
            `^jetbus_job_duration_seconds_bucket\\{le="[^"]+",handler="${handler}"\\} (\\d+)$`,
            'gm',
          ),
        ),
      ].map((m) => Number(m[1]));
      expect(buckets).toHaveLength(11);
      expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
      expect(buckets[10]).toBe(count);
      const sum = new RegExp(`^jetbus_job_duration_seconds_sum\\{handler="${handler}"\\} (\\S+)$`, 'm').exec(
        text,
      );
      expect(Number(sum?.[1])).toBeGreaterThan(0);
    }
  });
});
