import { type ConnectionOptions, type Job, Queue, Worker } from 'bullmq';
import { type BenchDriver, type ConsumerState } from '../harness/bench-driver';
import { runContenderProcess } from '../harness/contender-process';
import { CountingWindow } from '../harness/counting-window';
import { BENCH_SUBJECT, type BenchJob, PUBLISH_WINDOW } from '../harness/job';
import { type JobSink } from '../harness/job-sink';
import { type ContenderParams } from '../protocol';

const QUEUE = 'bench';
/** Jobs per `addBulk` (one MULTI of a Lua call per job); two batches in flight = PUBLISH_WINDOW jobs. */
const ADD_BULK_SIZE = PUBLISH_WINDOW / 2;

/**
 * BullMQ 6 on a local redis-server without persistence, used the way its docs show: `Queue.addBulk`
 * to enqueue, a `Worker` with `concurrency` to process, completed jobs removed (a work queue, like
 * the JetStream stream of the other contenders), up to 5 attempts (`max_deliver` 5). ioredis is the
 * client BullMQ documents and connects with by default.
 */
class BullmqDriver implements BenchDriver {
  private queue?: Queue<BenchJob>;
  private worker?: Worker<BenchJob>;
  private readonly connection: ConnectionOptions;

  constructor(
    private readonly params: ContenderParams,
    private readonly sink: JobSink,
  ) {
    const url = new URL(params.url);
    // A Worker's blocking commands need maxRetriesPerRequest: null (BullMQ's documented setting).
    this.connection = { host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null };
  }

  async open(): Promise<void> {
    this.queue = new Queue<BenchJob>(QUEUE, {
      connection: this.connection,
      defaultJobOptions: { attempts: 5, removeOnComplete: true, removeOnFail: false },
    });
    await this.queue.waitUntilReady();
  }

  async publishBatch(jobs: Iterable<BenchJob>): Promise<void> {
    const queue = this.queue!;
    const window = new CountingWindow(2, 1);
    let failure: unknown;
    const done = () => window.release();
    const failed = (e: unknown) => {
      failure ??= e;
      window.release();
    };
    let batch: { name: string; data: BenchJob }[] = [];
    const flush = async () => {
      const wait = window.acquire();
      if (wait) await wait;
      void queue.addBulk(batch).then(done, failed);
      batch = [];
    };
    for (const job of jobs) {
      if (failure !== undefined) break;
      batch.push({ name: BENCH_SUBJECT, data: job });
      if (batch.length === ADD_BULK_SIZE) await flush();
    }
    if (batch.length > 0 && failure === undefined) await flush();
    await window.idle();
    if (failure !== undefined) throw failure;
  }

  publishOne(job: BenchJob): Promise<unknown> {
    return this.queue!.add(BENCH_SUBJECT, job);
  }

  async prepareConsumer(): Promise<void> {
    // A BullMQ worker needs no server-side consumer: the queue's keys are all there is.
  }

  async startConsumer(): Promise<void> {
    const sink = this.sink;
    this.worker = new Worker<BenchJob>(QUEUE, async (job: Job<BenchJob>) => handle(sink, job.data), {
      connection: this.connection,
      concurrency: this.params.concurrency,
    });
    this.worker.on('error', (e) => process.stderr.write(`bullmq worker error: ${e.message}\n`));
    await this.worker.waitUntilReady();
  }

  async consumerState(): Promise<ConsumerState> {
    const c = await this.queue!.getJobCounts('wait', 'prioritized', 'delayed', 'active');
    return { pending: c.wait + c.prioritized + c.delayed, ackPending: c.active };
  }

  async purge(): Promise<void> {
    await this.queue!.drain();
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }
}

/** The no-op job handler, as async as a real one. */
async function handle(sink: JobSink, job: BenchJob): Promise<void> {
  sink.record(job);
}

runContenderProcess((params, sink) => new BullmqDriver(params, sink));
