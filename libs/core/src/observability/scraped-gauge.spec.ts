import { Gauge, Registry } from 'prom-client';
import { ScrapedGauge } from './scraped-gauge';

const config = { name: 'in_flight', help: 'Running', labelNames: ['handler'] as const };

describe('ScrapedGauge', () => {
  it('reads as a prom-client Gauge updated per call: series in first-touch order, from their first touch', async () => {
    const scraped = new Registry();
    const plain = new Registry();
    const gauge = new ScrapedGauge<'handler'>({ ...config, registers: [scraped] });
    const reference = new Gauge<'handler'>({ ...config, registers: [plain] });
    const a = gauge.series({ handler: 'A' });
    const b = gauge.series({ handler: 'B' });
    const same = async () => expect(await scraped.metrics()).toBe(await plain.metrics());
    await same();
    gauge.add(b, 1);
    reference.inc({ handler: 'B' });
    gauge.add(a, 1);
    reference.inc({ handler: 'A' });
    gauge.add(a, 1);
    reference.inc({ handler: 'A' });
    await same();
    gauge.add(b, -1);
    reference.dec({ handler: 'B' });
    gauge.add(a, -1);
    reference.dec({ handler: 'A' });
    await same();
    expect(await scraped.metrics()).toContain('in_flight{handler="B"} 0\nin_flight{handler="A"} 1');
  });

  it('reads the current value again after a reset, as a gauge with `collect` does', async () => {
    const registry = new Registry();
    const gauge = new ScrapedGauge<'handler'>({ ...config, registers: [registry] });
    gauge.add(gauge.series({ handler: 'A' }), 1);
    gauge.add(gauge.series({ handler: 'A' }), 1);
    registry.resetMetrics();
    expect(await registry.metrics()).toContain('in_flight{handler="A"} 2');
  });
});
