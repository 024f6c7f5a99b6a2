import { type ContenderName, type ContenderResult, type Phase } from './protocol';
import { max, median, min } from './stats';

/** One contender process run on its own fresh server. */
export interface RunRecord {
  round: number;
  contender: ContenderName;
  /** Wall time of the whole run: server start, process, server stop. */
  wallS: number;
  /** CPU the server (nats-server, redis-server for bullmq) used during the run, boot included. */
  serverCpuS: number | undefined;
  result: ContenderResult;
}

export interface Metric {
  key: string;
  group: Phase | 'process';
  label: string;
  better: 'higher' | 'lower';
  decimals: number;
  get(run: RunRecord): number | undefined;
  /** The target of ARCHITECTURE.md "Performance" for jetbus (validation on) over raw. */
  target?: number;
}

/** Every number the report shows, in table order. */
export const METRICS: Metric[] = [
  {
    key: 'enqueue.jobsPerSec',
    group: 'enqueue',
    label: 'jobs/s',
    better: 'higher',
    decimals: 0,
    get: (r) => r.result.phases.enqueue?.jobsPerSec,
    target: 0.95,
  },
  {
    key: 'enqueue.cpuUsPerJob',
    group: 'enqueue',
    label: 'CPU µs/job',
    better: 'lower',
    decimals: 1,
    get: (r) => r.result.phases.enqueue?.cpuUsPerJob,
  },
  {
    key: 'enqueue.maxRssMb',
    group: 'enqueue',
    label: 'peak RSS MB',
    better: 'lower',
    decimals: 0,
    get: (r) => r.result.phases.enqueue?.usage.maxRssMb,
  },
  {
    key: 'drain.jobsPerSec',
    group: 'drain',
    label: 'jobs/s',
    better: 'higher',
    decimals: 0,
    get: (r) => r.result.phases.drain?.jobsPerSec,
    target: 0.9,
  },
  {
    key: 'drain.firstJobMs',
    group: 'drain',
    label: 'first job after ms',
    better: 'lower',
    decimals: 1,
    get: (r) => r.result.phases.drain?.firstJobMs,
  },
  {
    key: 'drain.cpuUsPerJob',
    group: 'drain',
    label: 'CPU µs/job',
    better: 'lower',
    decimals: 1,
    get: (r) => r.result.phases.drain?.cpuUsPerJob,
  },
  {
    key: 'drain.maxRssMb',
    group: 'drain',
    label: 'peak RSS MB',
    better: 'lower',
    decimals: 0,
    get: (r) => r.result.phases.drain?.usage.maxRssMb,
  },
  {
    key: 'latency.p50Ms',
    group: 'latency',
    label: 'p50 ms',
    better: 'lower',
    decimals: 2,
    get: (r) => r.result.phases.latency?.p50Ms,
  },
  {
    key: 'latency.p99Ms',
    group: 'latency',
    label: 'p99 ms',
    better: 'lower',
    decimals: 2,
    get: (r) => r.result.phases.latency?.p99Ms,
    target: 1.5,
  },
  {
    key: 'latency.maxMs',
    group: 'latency',
    label: 'max ms',
    better: 'lower',
    decimals: 2,
    get: (r) => r.result.phases.latency?.maxMs,
  },
  {
    key: 'latency.achievedRate',
    group: 'latency',
    label: 'sent jobs/s',
    better: 'higher',
    decimals: 0,
    get: (r) => r.result.phases.latency?.achievedRate,
  },
  {
    key: 'latency.cpuUsPerJob',
    group: 'latency',
    label: 'CPU µs/job',
    better: 'lower',
    decimals: 1,
    get: (r) => r.result.phases.latency?.cpuUsPerJob,
  },
  {
    key: 'process.readyS',
    group: 'process',
    label: 'ready after s',
    better: 'lower',
    decimals: 2,
    get: (r) => r.result.readyS,
  },
  {
    key: 'process.cpuS',
    group: 'process',
    label: 'CPU s',
    better: 'lower',
    decimals: 2,
    get: (r) => r.result.process.cpuS,
  },
  {
    key: 'process.maxRssMb',
    group: 'process',
    label: 'peak RSS MB',
    better: 'lower',
    decimals: 0,
    get: (r) => r.result.process.maxRssMb,
  },
  {
    key: 'process.serverCpuS',
    group: 'process',
    label: 'server CPU s',
    better: 'lower',
    decimals: 2,
    get: (r) => r.serverCpuS,
  },
];

export interface MetricSummary {
  median: number;
  min: number;
  max: number;
  values: number[];
}

export type Summary = Partial<Record<ContenderName, Record<string, MetricSummary>>>;
export type Ratios = Partial<Record<ContenderName, Record<string, number>>>;

/** Median, min and max of each metric over the rounds, per contender. */
export function summarize(runs: RunRecord[], contenders: ContenderName[]): Summary {
  const summary: Summary = {};
  for (const c of contenders) {
    const mine = runs.filter((r) => r.contender === c);
    const metrics: Record<string, MetricSummary> = {};
    for (const m of METRICS) {
      const values = mine
        .map((r) => m.get(r))
        .filter((v): v is number => v !== undefined && Number.isFinite(v));
      if (values.length > 0)
        metrics[m.key] = { median: median(values), min: min(values), max: max(values), values };
    }
    summary[c] = metrics;
  }
  return summary;
}

/** Each contender's medians over raw's (`jetbus / raw`); empty without a raw contender. */
export function ratiosToRaw(summary: Summary): Ratios {
  const raw = summary.raw;
  const ratios: Ratios = {};
  if (!raw) return ratios;
  for (const [c, metrics] of Object.entries(summary) as [ContenderName, Record<string, MetricSummary>][]) {
    if (c === 'raw') continue;
    const r: Record<string, number> = {};
    for (const [key, s] of Object.entries(metrics)) {
      const base = raw[key]?.median;
      if (base !== undefined && base !== 0) r[key] = s.median / base;
    }
    ratios[c] = r;
  }
  return ratios;
}

/** Whether a ratio meets its target, given which direction is better. */
export const meetsTarget = (m: Metric, ratio: number): boolean =>
  m.target === undefined || (m.better === 'higher' ? ratio >= m.target : ratio <= m.target);
