import { type LabelValues } from 'prom-client';

/** One label set of a scraped metric: a plain number the hot path updates, read at scrape time. */
export interface Series<L extends string> {
  readonly labels: LabelValues<L>;
  value: number;
  /** Of `value`, what the prom-client metric holds already (a counter is handed the difference). */
  reported: number;
  /** Touched since the metric was created or last reset, i.e. prom-client shows it. */
  listed: boolean;
}

/**
 * The label sets of one scraped metric, created once at bind time so the per-job update is a field
 * increment: no label validation, no hashing, no allocation (prom-client does all three on every
 * `inc`, bound children included).
 */
export class SeriesTable<L extends string> {
  private readonly byKey = new Map<string, Series<L>>();
  /**
   * The series in the order they were first touched: prom-client lists a metric's series in the
   * order they were first updated, and the scrape must read the same as when it counted itself.
   */
  private touched: Series<L>[] = [];

  constructor(private readonly labelNames: readonly L[]) {}

  /** The series of these label values; every caller with the same values shares it. */
  series(labels: Readonly<Record<L, string>>): Series<L> {
    const values = this.labelNames.map((name) => labels[name]);
    const key = JSON.stringify(values);
    let series = this.byKey.get(key);
    if (!series) {
      // Keys in `labelNames` order, as prom-client's bound children had them: the exposition
      // writes labels in the object's key order.
      const ordered: LabelValues<L> = {};
      for (const name of this.labelNames) ordered[name] = labels[name];
      series = { labels: ordered, value: 0, reported: 0, listed: false };
      this.byKey.set(key, series);
    }
    return series;
  }

  add(series: Series<L>, n: number): void {
    series.value += n;
    if (!series.listed) {
      series.listed = true;
      this.touched.push(series);
    }
  }

  /** The series touched since the last reset, first touched first. */
  listed(): readonly Series<L>[] {
    return this.touched;
  }

  /**
   * The metric was reset: what was counted so far is dropped from the scrape (prom-client's
   * `reset()` semantics), and a series shows again only once it is touched again.
   */
  forget(): void {
    for (const series of this.touched) {
      series.reported = series.value;
      series.listed = false;
    }
    this.touched = [];
  }
}
