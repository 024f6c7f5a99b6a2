import {
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { type BenchDriver, type ConsumerState } from '../harness/bench-driver';
import { benchConsumerConfig, benchStreamConfig } from '../harness/bench-stream';
import { runContenderProcess } from '../harness/contender-process';
import {
  BENCH_DURABLE,
  BENCH_STREAM,
  BENCH_SUBJECT,
  type BenchJob,
  PREFETCH,
  PUBLISH_WINDOW,
} from '../harness/job';
import { type JobSink } from '../harness/job-sink';
import { type ContenderParams } from '../protocol';
import { CountingWindow } from '../harness/counting-window';

/**
 * The baseline: `@nats-io/jetstream` used the way the nats.js docs suggest, with the settings that
 * measured fastest here (no async traces, a 256-PubAck window refilled at half, `consume()` with
 * 256 buffered messages, fire-and-forget `ack()`).
 */
class RawDriver implements BenchDriver {
  private nc?: NatsConnection;
  private js?: JetStreamClient;
  private jsm?: JetStreamManager;
  private messages?: ConsumerMessages;
  private consuming?: Promise<void>;
  private readonly slots: CountingWindow;

  constructor(
    private readonly params: ContenderParams,
    private readonly sink: JobSink,
  ) {
    this.slots = new CountingWindow(params.concurrency, params.concurrency - 1);
  }

  async open(): Promise<void> {
    // The default records a stack trace per request, which halves publish throughput.
    this.nc = await connect({ servers: this.params.url, name: 'bench-raw', noAsyncTraces: true });
    this.js = jetstream(this.nc);
    this.jsm = await jetstreamManager(this.nc);
    await this.jsm.streams.add(benchStreamConfig());
  }

  async publishBatch(jobs: Iterable<BenchJob>): Promise<void> {
    const js = this.js!;
    const window = new CountingWindow(PUBLISH_WINDOW, PUBLISH_WINDOW / 2);
    let failure: unknown;
    const done = () => window.release();
    const failed = (e: unknown) => {
      failure ??= e;
      window.release();
    };
    for (const job of jobs) {
      if (failure !== undefined) break;
      const wait = window.acquire();
      if (wait) await wait;
      js.publish(BENCH_SUBJECT, JSON.stringify(job)).then(done, failed);
    }
    await window.idle();
    if (failure !== undefined) throw failure;
  }

  publishOne(job: BenchJob): Promise<unknown> {
    return this.js!.publish(BENCH_SUBJECT, JSON.stringify(job));
  }

  async prepareConsumer(): Promise<void> {
    await this.jsm!.consumers.add(BENCH_STREAM, benchConsumerConfig());
  }

  async startConsumer(): Promise<void> {
    const consumer = await this.js!.consumers.get(BENCH_STREAM, BENCH_DURABLE);
    this.messages = await consumer.consume({ max_messages: PREFETCH });
    this.consuming = this.loop(this.messages);
  }

  private async loop(messages: ConsumerMessages): Promise<void> {
    for await (const msg of messages) {
      const wait = this.slots.acquire();
      if (wait) await wait;
      void this.process(msg);
    }
  }

  private async process(msg: JsMsg): Promise<void> {
    try {
      const job = JSON.parse(msg.string()) as BenchJob;
      await handle(this.sink, job);
      msg.ack();
    } catch {
      msg.nak();
    } finally {
      this.slots.release();
    }
  }

  async consumerState(): Promise<ConsumerState> {
    const info = await this.jsm!.consumers.info(BENCH_STREAM, BENCH_DURABLE);
    return { pending: info.num_pending, ackPending: info.num_ack_pending };
  }

  async purge(): Promise<void> {
    await this.jsm!.streams.purge(BENCH_STREAM);
  }

  async close(): Promise<void> {
    await this.messages?.close();
    await this.consuming;
    await this.nc?.drain();
  }
}

/** The no-op job handler, as async as a real one. */
async function handle(sink: JobSink, job: BenchJob): Promise<void> {
  sink.record(job);
}

runContenderProcess((params, sink) => new RawDriver(params, sink));
