import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { NatsCluster, NatsServer } from '@jetbus/testing';
import { benchStreamConfig } from './harness/bench-stream';
import { CountingWindow } from './harness/counting-window';
import { BENCH_DURABLE, BENCH_STREAM, BENCH_SUBJECT, PUBLISH_WINDOW, makeJob } from './harness/job';
import { type ScaleWorkerParams } from './harness/scale-worker';
import { formatNumber } from './report';

/** Worker processes per measurement: how the drain scales on one machine. */
export const SCALE_WORKERS = [1, 2, 4] as const;
export const SCALE_TOPOLOGIES = ['1 server', '3-node cluster (R3)'] as const;
type Topology = (typeof SCALE_TOPOLOGIES)[number];
const DRAIN_POLL_MS = 50;
const READY_TIMEOUT_MS = 60_000;

export interface ScaleRow {
  topology: Topology;
  workers: number;
  jobs: number;
  seconds: number;
  jobsPerSec: number;
  /** All workers' CPU from GO to drained, per job. */
  workerCpuUsPerJob: number;
  /** Jobs each worker handled (redeliveries included). */
  handled: number[];
}

interface Worker {
  child: ChildProcess;
  lines: AsyncIterator<string>;
}

/**
 * `npm run bench -- --scale N`: N validated jobs drained by 1, 2 and 4 jetbus worker processes
 * sharing one durable, against one nats-server and against a 3-node cluster with an R3 stream.
 * The stream is filled first; the workers are built, then all told to start at once, and the
 * drain is timed until the consumer has nothing pending or unacked.
 */
export async function runScale(jobs: number, concurrency: number): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const topology of SCALE_TOPOLOGIES) {
    for (const workers of SCALE_WORKERS) {
      rows.push(await measure(topology, workers, jobs, concurrency));
      console.log(formatRow(rows[rows.length - 1]));
    }
  }
  return rows;
}

async function measure(
  topology: Topology,
  count: number,
  jobs: number,
  concurrency: number,
): Promise<ScaleRow> {
  const cluster = topology === '1 server' ? undefined : await NatsCluster.start({ nodes: 3 });
  const single = cluster ? undefined : await NatsServer.start();
  const urls = cluster ? cluster.urls : [single!.url];
  const workers: Worker[] = [];
  let nc: NatsConnection | undefined;
  try {
    nc = await connect({ servers: urls, name: 'bench-scale', noAsyncTraces: true });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ ...benchStreamConfig(), num_replicas: cluster ? 3 : 1 });
    await cluster?.waitUntilHealthy();
    await fill(nc, jobs);
    const params: ScaleWorkerParams = { servers: urls, concurrency, validate: true };
    for (let i = 0; i < count; i++) workers.push(await startWorker(params));
    const started = performance.now();
    for (const w of workers) w.child.stdin!.write('GO\n');
    await drained(jsm);
    const seconds = (performance.now() - started) / 1000;
    const reports = await Promise.all(workers.map(stopWorker));
    const cpuS = reports.reduce((sum, r) => sum + r.cpuS, 0);
    return {
      topology,
      workers: count,
      jobs,
      seconds,
      jobsPerSec: jobs / seconds,
      workerCpuUsPerJob: (cpuS * 1e6) / jobs,
      handled: reports.map((r) => r.handled),
    };
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await nc?.close();
    await cluster?.stop();
    await single?.stop();
  }
}

async function fill(nc: NatsConnection, jobs: number): Promise<void> {
  const js = jetstream(nc);
  const window = new CountingWindow(PUBLISH_WINDOW, PUBLISH_WINDOW / 2);
  let failure: unknown;
  const release = () => window.release();
  for (let n = 0; n < jobs && failure === undefined; n++) {
    const wait = window.acquire();
    if (wait) await wait;
    js.publish(BENCH_SUBJECT, JSON.stringify(makeJob(n))).then(release, (e: unknown) => {
      failure ??= e;
      release();
    });
  }
  await window.idle();
  if (failure !== undefined) throw failure;
}

async function startWorker(params: ScaleWorkerParams): Promise<Worker> {
  const child = spawn(
    process.execPath,
    [join(__dirname, 'harness', 'scale-worker.js'), JSON.stringify(params)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const ready = await Promise.race([
    lines.next(),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('scale worker not READY in time')), READY_TIMEOUT_MS),
    ),
  ]);
  if (ready.value !== 'READY') throw new Error(`scale worker said ${String(ready.value)} instead of READY`);
  return { child, lines };
}

async function stopWorker(w: Worker): Promise<{ handled: number; cpuS: number }> {
  w.child.stdin!.write('STOP\n');
  const line = await w.lines.next();
  return JSON.parse(String(line.value)) as { handled: number; cpuS: number };
}

async function drained(jsm: JetStreamManager): Promise<void> {
  for (;;) {
    const info = await jsm.consumers.info(BENCH_STREAM, BENCH_DURABLE).catch(() => undefined);
    if (info && info.num_pending === 0 && info.num_ack_pending === 0 && info.delivered.stream_seq > 0) return;
    await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
  }
}

function formatRow(r: ScaleRow): string {
  return (
    `${r.topology.padEnd(20)} ${String(r.workers).padStart(2)} worker(s)  ` +
    `${formatNumber(r.jobsPerSec, 0)} jobs/s  ${r.workerCpuUsPerJob.toFixed(1)} µs CPU/job  ` +
    `(${r.jobs.toLocaleString('en-US')} jobs in ${r.seconds.toFixed(1)} s; handled ${r.handled.join(' + ')})`
  );
}

export function formatScale(rows: ScaleRow[]): string {
  const base = new Map(rows.filter((r) => r.workers === 1).map((r) => [r.topology, r.jobsPerSec]));
  const lines = rows.map(
    (r) =>
      `| ${r.topology} | ${r.workers} | ${formatNumber(r.jobsPerSec, 0)} | ${(r.jobsPerSec / base.get(r.topology)!).toFixed(2)}× | ${r.workerCpuUsPerJob.toFixed(1)} |`,
  );
  return [
    '| topology | workers | drain jobs/s | vs 1 worker | worker CPU µs/job |',
    '|---|---:|---:|---:|---:|',
    ...lines,
  ].join('\n');
}
