import { type BenchJob } from './job';

export interface ConsumerState {
  /** Messages the consumer has not delivered yet. */
  pending: number;
  /** Messages delivered but not acked yet. */
  ackPending: number;
}

/**
 * One contender's way of doing each step. The harness (`run-phases.ts`) does all timing and
 * counting the same way for every contender; a driver only talks to NATS its own way.
 */
export interface BenchDriver {
  /** Connects and ensures the stream (untimed). */
  open(): Promise<void>;
  /** Publishes every job with a window of outstanding PubAcks; resolves once all are stored. */
  publishBatch(jobs: Iterable<BenchJob>): Promise<void>;
  /** Publishes one job without waiting for the others; resolves with its PubAck. */
  publishOne(job: BenchJob): Promise<unknown>;
  /** Untimed setup of the consumer, where the contender allows separating it from consuming. */
  prepareConsumer(): Promise<void>;
  /** Starts consuming in the background; every job goes to the sink, then is acked. */
  startConsumer(): Promise<void>;
  consumerState(): Promise<ConsumerState>;
  /** Empties the stream (jobs left by an enqueue phase that no drain phase consumed). */
  purge(): Promise<void>;
  close(): Promise<void>;
}
