import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JetbusModule, JetbusServer } from '@jetbus/core';
import { benchJobsHandler } from '../contenders/bench-jobs.handler';
import { BENCH_DURABLE, BENCH_STREAM, PREFETCH } from './job';
import { JobSink } from './job-sink';

/** What `bench/scale.ts` passes a worker process, as one JSON argument. */
export interface ScaleWorkerParams {
  servers: string[];
  concurrency: number;
  validate: boolean;
}

/**
 * One worker process of the scale mode: a Nest application context with the bench's validating
 * `@JobHandler` on the shared durable. It prints READY once built; on `GO` (stdin) it marks its CPU
 * and starts consuming; on `STOP` it prints `{ handled, cpuS }` (CPU since GO) and exits. The stream
 * is declared by the orchestrator (R1 or R3), so the worker declares none.
 */
async function main(): Promise<void> {
  const params = JSON.parse(process.argv[2] ?? '{}') as ScaleWorkerParams;
  const sink = new JobSink();
  const handler = benchJobsHandler({
    durable: BENCH_DURABLE,
    stream: BENCH_STREAM,
    concurrency: params.concurrency,
    prefetch: PREFETCH,
    validate: params.validate,
  });
  @Module({
    imports: [
      JetbusModule.forRoot({
        servers: params.servers,
        name: 'bench',
        logger: false,
        deadLetter: false,
        heartbeat: false,
      }),
    ],
    providers: [{ provide: JobSink, useValue: sink }, handler],
  })
  class ScaleModule {}
  const app = await NestFactory.createApplicationContext(ScaleModule, { logger: false, abortOnError: false });
  let mark: NodeJS.CpuUsage | undefined;
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line === 'GO') {
      mark = process.cpuUsage();
      app
        .get(JetbusServer)
        .start()
        .catch((e: unknown) => {
          console.error(`scale worker could not start: ${e instanceof Error ? e.message : String(e)}`);
          process.exit(1);
        });
    } else if (line === 'STOP') {
      const cpu = process.cpuUsage(mark);
      process.stdout.write(
        `${JSON.stringify({ handled: sink.handled, cpuS: (cpu.user + cpu.system) / 1e6 })}\n`,
      );
      void app.close().finally(() => process.exit(0));
    }
  });
  process.stdout.write('READY\n');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
