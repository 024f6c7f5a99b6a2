import { Counter, Registry } from 'prom-client';
import { ScrapedCounter } from './scraped-counter';

type Label = 'handler' | 'outcome';
const config = { name: 'jobs_total', help: 'Jobs', labelNames: ['handler', 'outcome'] as const };

/**
 * The same steps on a ScrapedCounter and on a plain prom-client Counter, each in its own registry:
 * what a registry reads must be the same text at every step.
 */
function pair() {
  const scraped = new Registry();
  const plain = new Registry();
  const counter = new ScrapedCounter<Label>({ ...config, registers: [scraped] });
  const reference = new Counter<Label>({ ...config, registers: [plain] });
  const inc = (labels: Record<Label, string>, n = 1) => {
    counter.add(counter.series(labels), n);
    reference.inc(labels, n);
  };
  const same = async () => expect(await scraped.metrics()).toBe(await plain.metrics());
  return { scraped, plain, counter, reference, inc, same };
}

const a = { handler: 'A', outcome: 'acked' };
const b = { handler: 'B', outcome: 'acked' };
const r = { handler: 'A', outcome: 'retried' };

describe('ScrapedCounter', () => {
  describe('when read', () => {
    it('shows every series in the order it was first counted, read between counts or not', async () => {
      const { inc, same } = pair();
      await same();
      inc(a);
      inc(b, 3);
      await same();
      inc(r);
      inc(a);
      inc(a);
      await same();
      await same();
      inc(b);
      await same();
    });

    it('reads the same through getMetricsAsJSON, getSingleMetric and a merged registry', async () => {
      const { scraped, plain, inc } = pair();
      inc(r);
      inc(a, 2);
      expect(await scraped.getMetricsAsJSON()).toEqual(await plain.getMetricsAsJSON());
      inc(a);
      expect(await scraped.getSingleMetric('jobs_total')!.get()).toEqual(
        await plain.getSingleMetric('jobs_total')!.get(),
      );
      inc(b);
      const merged = Registry.merge([scraped, new Registry()]);
      expect(await merged.metrics()).toBe(await plain.metrics());
      expect(await scraped.metrics()).toBe(await plain.metrics());
    });
  });

  describe('series', () => {
    it('is one series for the same labels, whoever binds it', async () => {
      const { counter, scraped } = pair();
      const first = counter.series(a);
      expect(counter.series({ outcome: 'acked', handler: 'A' })).toBe(first);
      counter.add(first);
      counter.add(counter.series(a));
      expect(await scraped.metrics()).toContain('jobs_total{handler="A",outcome="acked"} 2');
    });

    it('shows nothing for a series bound but never counted', async () => {
      const { counter, same } = pair();
      counter.series(a);
      await same();
    });
  });

  describe('when reset', () => {
    it('drops what was counted, read or not, and shows a series again from its next count', async () => {
      const { scraped, plain, inc, same } = pair();
      inc(a, 2);
      inc(b);
      await same();
      inc(a); // counted after the last read, dropped by the reset all the same
      scraped.resetMetrics();
      plain.resetMetrics();
      await same();
      inc(b);
      inc(r);
      inc(a);
      await same();
    });

    it('counts again from one series removed', async () => {
      const { counter, reference, inc, same } = pair();
      inc(a);
      inc(b);
      await same();
      counter.remove(a);
      reference.remove(a);
      await same();
      inc(a);
      await same();
    });
  });
});
