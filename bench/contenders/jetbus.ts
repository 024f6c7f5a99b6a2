import 'reflect-metadata';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  JetbusClient,
  JetbusConnection,
  JetbusModule,
  JetbusServer,
  type PublishRequest,
} from '@jetbus/core';
import { type BenchDriver, type ConsumerState } from '../harness/bench-driver';
import { runContenderProcess } from '../harness/contender-process';
import {
  BENCH_DURABLE,
  BENCH_STREAM,
  BENCH_STREAM_SUBJECTS,
  BENCH_SUBJECT,
  type BenchJob,
  PREFETCH,
  PUBLISH_WINDOW,
} from '../harness/job';
import { JobSink } from '../harness/job-sink';
import { type ContenderParams } from '../protocol';
import { benchEncryption } from './bench-encryption';
import { benchJobsHandler } from './bench-jobs.handler';

/**
 * jetbus as an application uses it: a Nest application context with `JetbusModule`, jobs enqueued
 * through `JetbusClient`, handled by a `@JobHandler` started with `JetbusServer.start()`.
 */
class JetbusDriver implements BenchDriver {
  private app?: INestApplicationContext;
  private client?: JetbusClient;

  constructor(
    private readonly params: ContenderParams,
    private readonly sink: JobSink,
  ) {}

  async open(): Promise<void> {
    const handler = benchJobsHandler({
      durable: BENCH_DURABLE,
      concurrency: this.params.concurrency,
      prefetch: PREFETCH,
      validate: this.params.validate,
    });
    @Module({
      imports: [
        JetbusModule.forRoot({
          servers: this.params.url,
          name: 'bench',
          logger: false,
          streams: [{ name: BENCH_STREAM, subjects: BENCH_STREAM_SUBJECTS, retention: 'workqueue' }],
          ...benchEncryption(this.params.contender),
        }),
      ],
      providers: [{ provide: JobSink, useValue: this.sink }, handler],
    })
    class BenchModule {}
    this.app = await NestFactory.createApplicationContext(BenchModule, {
      logger: false,
      abortOnError: false,
    });
    this.client = this.app.get(JetbusClient);
  }

  async publishBatch(jobs: Iterable<BenchJob>): Promise<void> {
    await this.client!.publishMany(requests(jobs), { window: PUBLISH_WINDOW });
  }

  publishOne(job: BenchJob): Promise<unknown> {
    return this.client!.publish(BENCH_SUBJECT, job);
  }

  async prepareConsumer(): Promise<void> {
    // JetbusServer.start() provisions and starts consuming in one step: a few round trips on
    // loopback, inside the timed drain.
  }

  async startConsumer(): Promise<void> {
    await this.app!.get(JetbusServer).start();
  }

  async consumerState(): Promise<ConsumerState> {
    const info = await this.app!.get(JetbusConnection).jsm.consumers.info(BENCH_STREAM, BENCH_DURABLE);
    return { pending: info.num_pending, ackPending: info.num_ack_pending };
  }

  async purge(): Promise<void> {
    await this.app!.get(JetbusConnection).jsm.streams.purge(BENCH_STREAM);
  }

  async close(): Promise<void> {
    await this.app?.close();
  }
}

function* requests(jobs: Iterable<BenchJob>): Generator<PublishRequest<BenchJob>> {
  for (const data of jobs) yield { subject: BENCH_SUBJECT, data };
}

runContenderProcess((params, sink) => new JetbusDriver(params, sink));
