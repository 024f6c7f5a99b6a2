import { Counter, type CounterConfiguration } from 'prom-client';
import { type Series, SeriesTable } from './series-table';

export type ScrapedCounterConfiguration<L extends string> = Omit<
  CounterConfiguration<L>,
  'collect' | 'labelNames'
> & { labelNames: readonly L[] };

/**
 * A prom-client Counter counted in plain numbers (`add` on a series bound once) and handed to
 * prom-client when a registry reads it, through `collect`. It stays a Counter: registries,
 * `Registry.merge`, `getSingleMetric`, `reset` and `remove` work on it as on any other.
 */
export class ScrapedCounter<L extends string> extends Counter<L> {
  private readonly table: SeriesTable<L>;

  constructor(config: ScrapedCounterConfiguration<L>) {
    super({
      ...config,
      collect() {
        if (this instanceof ScrapedCounter) this.handOver();
      },
    });
    this.table = new SeriesTable(config.labelNames);
  }

  /** The series of these labels: bind it once (at startup), then `add` to it per event. */
  series(labels: Readonly<Record<L, string>>): Series<L> {
    return this.table.series(labels);
  }

  add(series: Series<L>, n = 1): void {
    this.table.add(series, n);
  }

  override reset(): void {
    super.reset();
    // prom-client's constructor calls reset() too, before this class has set its fields.
    this.table?.forget();
  }

  // A Counter has no `set`: prom-client is handed what was counted since the last read, series by
  // series in the order they were first counted, which keeps its own order of series the same.
  private handOver(): void {
    for (const series of this.table.listed()) {
      const delta = series.value - series.reported;
      if (delta === 0) continue;
      this.inc(series.labels, delta);
      series.reported = series.value;
    }
  }
}
