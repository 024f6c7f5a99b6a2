import { Gauge, type GaugeConfiguration } from 'prom-client';
import { type Series, SeriesTable } from './series-table';

export type ScrapedGaugeConfiguration<L extends string> = Omit<
  GaugeConfiguration<L>,
  'collect' | 'labelNames'
> & { labelNames: readonly L[] };

/**
 * A prom-client Gauge kept in plain numbers (`add` on a series bound once, with +1 or -1) and set
 * on the Gauge when a registry reads it, through `collect`. A series shows once it was first
 * touched, as prom-client shows a gauge's series from its first `inc` or `dec`. Like any gauge
 * with `collect`, it reads the current value again on the next read after a `reset()`.
 */
export class ScrapedGauge<L extends string> extends Gauge<L> {
  private readonly table: SeriesTable<L>;

  constructor(config: ScrapedGaugeConfiguration<L>) {
    super({
      ...config,
      collect() {
        if (this instanceof ScrapedGauge) this.handOver();
      },
    });
    this.table = new SeriesTable(config.labelNames);
  }

  /** The series of these labels: bind it once (at startup), then `add` to it per event. */
  series(labels: Readonly<Record<L, string>>): Series<L> {
    return this.table.series(labels);
  }

  add(series: Series<L>, n: number): void {
    this.table.add(series, n);
  }

  private handOver(): void {
    for (const series of this.table.listed()) this.set(series.labels, series.value);
  }
}
