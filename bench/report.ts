import { writeFile } from 'node:fs/promises';
import { type BenchOptions } from './args';
import { METRICS, type Metric, type Ratios, type RunRecord, type Summary, meetsTarget } from './metrics';
import { type ContenderName } from './protocol';

export interface BenchMeta {
  startedAt: string;
  node: string;
  natsServer: string;
  /** Set when the bullmq contender runs. */
  redisServer?: string;
  bullmq?: string;
  platform: string;
  cpus: number;
  cpuModel: string;
  totalMemMb: number;
  /** 1, 5 and 15 minute load averages when the bench started: other load makes results noisier. */
  loadAvg: number[];
}

/** A 1-minute load average above this means something else competes for the cores. */
const BUSY_LOAD = 0.5;

export function formatNumber(value: number, decimals: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** `24,512` above 1,000; `2.41` with the metric's decimals below. */
const short = (value: number, m: Metric): string =>
  formatNumber(value, Math.abs(value) >= 1000 ? 0 : m.decimals);

function table(rows: string[][], rightAligned: (col: number) => boolean): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (rightAligned(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatHeader(options: BenchOptions, meta: BenchMeta): string {
  return [
    `jetbus bench: ${options.rounds} round(s) of ${options.contenders.join(', ')}; phases ${options.phases.join(', ')}`,
    `  ${options.jobs.toLocaleString('en-US')} jobs of ~100 B, concurrency ${options.concurrency}, ` +
      `latency at ${options.rate.toLocaleString('en-US')} jobs/s for ${options.durationS} s (+${options.warmupS} s warm-up)`,
    `  node ${meta.node}, nats-server ${meta.natsServer}` +
      (meta.bullmq ? `, bullmq ${meta.bullmq} on redis-server ${meta.redisServer}` : '') +
      `, ${meta.cpus} CPU(s) ${meta.cpuModel}, ${meta.platform}`,
    `  load average ${meta.loadAvg.map((l) => l.toFixed(2)).join(' ')}` +
      (meta.loadAvg[0] > BUSY_LOAD ? ': the machine is busy, expect noisier numbers' : ''),
  ].join('\n');
}

/** One line per finished run, so a long bench shows progress. */
export function formatRun(run: RunRecord, rounds: number): string {
  const { enqueue, drain, latency } = run.result.phases;
  const parts = [
    `round ${run.round}/${rounds}`,
    run.contender.padEnd(17),
    enqueue && `enqueue ${formatNumber(enqueue.jobsPerSec, 0)}/s`,
    drain && `drain ${formatNumber(drain.jobsPerSec, 0)}/s`,
    latency && `p50 ${formatNumber(latency.p50Ms, 2)} p99 ${formatNumber(latency.p99Ms, 2)} ms`,
    `(${formatNumber(run.wallS, 1)} s)`,
  ];
  return parts.filter(Boolean).join('  ');
}

/**
 * Medians with min–max over the rounds, and each contender's median over raw's. A ratio carries
 * ✓ or ✗ where ARCHITECTURE.md sets a target for jetbus (validation on).
 */
export function formatSummary(contenders: ContenderName[], summary: Summary, ratios: Ratios): string {
  const others = contenders.filter((c) => c !== 'raw' && ratios[c]);
  const header = ['phase', 'metric', ...contenders];
  if (others.length > 0) header.push(...others.map((c) => `${c}/raw`), 'target');
  const rows = [header];
  let lastGroup = '';
  for (const m of METRICS) {
    const cells = contenders.map((c) => summary[c]?.[m.key]);
    if (cells.every((s) => s === undefined)) continue;
    const row = [m.group === lastGroup ? '' : m.group, m.label];
    lastGroup = m.group;
    for (const s of cells) {
      row.push(s ? `${short(s.median, m)} (${short(s.min, m)}–${short(s.max, m)})` : '–');
    }
    for (const c of others) {
      const ratio = ratios[c]?.[m.key];
      const mark = m.target !== undefined && c === 'jetbus' && ratio !== undefined;
      row.push(
        ratio === undefined ? '–' : `${ratio.toFixed(2)}${mark ? (meetsTarget(m, ratio) ? ' ✓' : ' ✗') : ''}`,
      );
    }
    if (others.length > 0) {
      row.push(m.target === undefined ? '' : `${m.better === 'higher' ? '≥' : '≤'} ${m.target}`);
    }
    rows.push(row);
  }
  return table(rows, (col) => col >= 2);
}

export async function writeJson(file: string, data: object): Promise<void> {
  await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
}
