import 'reflect-metadata';
import { type INestApplicationContext, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Ctx,
  DELIVER_AT_HEADER,
  JetbusClient,
  type JetbusContext,
  JetbusModule,
  JetbusServer,
  JobHandler,
  Payload,
  type ScheduledPubAck,
} from '@jetbus/core';
import { NatsServer } from '@jetbus/testing';
import { formatNumber } from './report';
import { max, percentile } from './stats';

/** Delays are drawn from 0 to this, uniformly. */
const MAX_DELAY_MS = 10_000;
/** Worker instances sharing the release and job durables (one process, one connection each). */
const WORKERS = 3;
/** Past the last due time, how long to wait for the stragglers before giving up. */
const GRACE_MS = 60_000;

/** Milliseconds after its due time each job ran, by job id (first run only). */
const ranLate = new Map<string, number>();
let runs = 0;

@Injectable()
class LatenessJobs {
  @JobHandler('bench.later', { concurrency: 64 })
  run(@Payload() job: { id: string }, @Ctx() ctx: JetbusContext): void {
    runs++;
    const due = Date.parse(ctx.header(DELIVER_AT_HEADER) ?? '');
    if (!ranLate.has(job.id)) ranLate.set(job.id, Date.now() - due);
  }
}

export interface LatenessReport {
  jobs: number;
  workers: number;
  maxDelayMs: number;
  /** Handler start minus due time, ms: release, store, delivery and dispatch together. */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Jobs that ran before their due time: must be 0. */
  early: number;
  /** Runs beyond one per job. */
  duplicates: number;
  missing: number;
}

/**
 * Release lateness of delayed jobs, measured (not asserted): `jobs` jobs with random delays of
 * 0–10 s, published at once, released by `WORKERS` worker instances on one fresh nats-server.
 */
export async function runLateness(jobs: number): Promise<LatenessReport> {
  const server = await NatsServer.start();
  const apps: INestApplicationContext[] = [];
  try {
    @Module({
      imports: [
        JetbusModule.forRoot({
          servers: server.url,
          name: 'bench-later',
          logger: false,
          scheduling: {},
          streams: [{ name: 'BENCH_LATER', subjects: ['bench.later'], retention: 'workqueue' }],
        }),
      ],
      providers: [LatenessJobs],
    })
    class LatenessModule {}
    for (let i = 0; i < WORKERS; i++) {
      const app = await NestFactory.createApplicationContext(LatenessModule, { logger: false });
      await app.get(JetbusServer).start();
      apps.push(app);
    }
    const bus = apps[0].get(JetbusClient);
    const acks = await bus.publishMany(
      Array.from({ length: jobs }, (_, i) => ({
        subject: 'bench.later',
        data: { id: `j${i}` },
        options: { delay: Math.floor(Math.random() * MAX_DELAY_MS), jobId: `j${i}` },
      })),
    );
    const lastDue = Math.max(...acks.map((a) => (a as ScheduledPubAck).deliverAt.getTime()));
    while (ranLate.size < jobs && Date.now() < lastDue + GRACE_MS)
      await new Promise((r) => setTimeout(r, 100));
    // A moment for late duplicates to show.
    await new Promise((r) => setTimeout(r, 1_000));
    const late = [...ranLate.values()].sort((a, b) => a - b);
    return {
      jobs,
      workers: WORKERS,
      maxDelayMs: MAX_DELAY_MS,
      p50Ms: percentile(late, 50),
      p90Ms: percentile(late, 90),
      p99Ms: percentile(late, 99),
      maxMs: max(late),
      early: late.filter((ms) => ms < 0).length,
      duplicates: runs - ranLate.size,
      missing: jobs - ranLate.size,
    };
  } finally {
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await server.stop();
  }
}

export function formatLateness(r: LatenessReport): string {
  return [
    `delayed jobs: ${r.jobs.toLocaleString('en-US')} jobs, delays 0–${r.maxDelayMs / 1000} s, released by ${r.workers} workers`,
    `  lateness (handler start − due time): p50 ${formatNumber(r.p50Ms, 0)} ms  p90 ${formatNumber(r.p90Ms, 0)} ms  ` +
      `p99 ${formatNumber(r.p99Ms, 0)} ms  max ${formatNumber(r.maxMs, 0)} ms`,
    `  early ${r.early}  duplicates ${r.duplicates}  missing ${r.missing}`,
  ].join('\n');
}
