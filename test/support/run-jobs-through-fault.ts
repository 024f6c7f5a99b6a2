import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type JetStreamManager, RetentionPolicy } from '@nats-io/jetstream';
import { JetbusClient, JetbusError, JetbusModule, repairStream } from '@jetbus/core';
import { WorkerFleet } from './worker-fleet';
import { waitFor } from './wait-for';

/*
 * The run every cluster fault test makes: an R3 work-queue stream, 3 worker processes, and a producer
 * publishing every job with a msg id while a node fault happens midway. For each fault: every job
 * whose publish was acknowledged is processed; a publish that was not acknowledged ended in a typed
 * JetbusError; no job the producer did not send runs; duplicates (a job run twice because its ack was
 * lost with a leader) are counted, printed and bounded; nothing is dead-lettered.
 */

const N = 10_000;
/** Publishes in flight at once, each its own request with its own outcome. */
const IN_FLIGHT = 128;
export const WORKERS = 3;
/** Each worker's concurrency, which is also its prefetch: the most jobs it holds unacked. */
export const CONCURRENCY = 32;

/** The cluster under test as the run needs it. */
export interface FaultCluster {
  urls: string[];
  waitUntilHealthy(timeoutMs?: number): Promise<void>;
}

/**
 * How long a case waits for the cluster to be healthy before it starts: on a loaded 2-core machine
 * the previous case's restarted node can take longer than a node's start timeout to have every
 * consumer led again, and a case that began before then failed on its stream's creation.
 */
const HEALTHY_BEFORE_CASE_MS = 90_000;

/** What one run shares across the tests of a file: the cluster, a JetStream manager, a producer. */
export interface FaultRunContext {
  cluster: FaultCluster;
  jsm: JetStreamManager;
  producer: INestApplicationContext;
  /** Fleets started so far, for afterAll to stop. */
  fleets: WorkerFleet[];
}

/** What the fault callback is given. */
export interface FaultTarget {
  stream: string;
  /** How many distinct jobs ran so far. */
  ran(): number;
  /** How many runs there were so far, a job run twice counting twice. */
  runs(): number;
}

/** What a fault may return: jobs beyond the `faults` bound that may run twice, and why. */
export interface FaultAllowance {
  mayRunTwice: number;
}

interface Outcome {
  acked: Set<string>;
  failed: Map<string, string>;
}

/** A Nest app that only publishes, to every node of `urls`. */
export async function producerApp(urls: string[]): Promise<INestApplicationContext> {
  @Module({
    imports: [
      JetbusModule.forRoot({
        servers: urls,
        name: 'producer',
        deadLetter: false,
        heartbeat: false,
        publishTimeout: '10s',
        reconnectTimeWait: 100,
        logger: false,
      }),
    ],
  })
  class ProducerModule {}
  return NestFactory.createApplicationContext(ProducerModule, { logger: false });
}

/** Publishes ids[] with at most IN_FLIGHT outstanding; each ends acked or with a typed error. */
async function publishAll(bus: JetbusClient, subject: string, ids: string[]): Promise<Outcome> {
  const out: Outcome = { acked: new Set(), failed: new Map() };
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      try {
        await bus.publish(subject, { id }, { msgId: id });
        out.acked.add(id);
      } catch (e) {
        if (!(e instanceof JetbusError)) throw e;
        out.failed.set(id, `${e.name}: ${e.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return out;
}

function readRuns(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[0]);
}

/**
 * Runs N jobs with `fault` injected once a third of them ran; asserts the exact outcome.
 * `faults` is how many times the fault can lose what the workers hold: each time, at most every job
 * the workers hold unacked (WORKERS × CONCURRENCY), which then runs again. A fault that can lose more
 * acks returns how many more jobs may run twice (`mayRunTwice`).
 */
export async function runJobsThroughFault(
  ctx: FaultRunContext,
  label: string,
  faults: number,
  fault: (target: FaultTarget) => Promise<FaultAllowance | void>,
): Promise<void> {
  const { cluster, jsm } = ctx;
  const stream = `JOBS_${label.toUpperCase()}`;
  const subject = `jobs.${label}`;
  await cluster.waitUntilHealthy(HEALTHY_BEFORE_CASE_MS);
  await jsm.streams.add({
    name: stream,
    subjects: [subject],
    retention: RetentionPolicy.Workqueue,
    num_replicas: 3,
    duplicate_window: 120_000_000_000,
  });
  await cluster.waitUntilHealthy();
  const out = path.join(mkdtempSync(path.join(tmpdir(), `jetbus-cluster-${label}-`)), 'runs.txt');
  const fleet = new WorkerFleet('record-worker.ts', WORKERS, {
    NATS_URL: cluster.urls.join(','),
    SERVICE: `svc-${label}`,
    SUBJECT: subject,
    OUT: out,
    CONCURRENCY: String(CONCURRENCY),
  });
  ctx.fleets.push(fleet);
  await fleet.start();

  const ids = Array.from({ length: N }, (_, i) => `${label}-${i}`);
  const published = publishAll(ctx.producer.get(JetbusClient), subject, ids);
  await waitFor('a third of the jobs ran', () => new Set(readRuns(out)).size >= N / 3, 120_000, 50);
  const started = Date.now();
  const allowance = await fault({
    stream,
    ran: () => new Set(readRuns(out)).size,
    runs: () => readRuns(out).length,
  });
  const faultMs = Date.now() - started;
  const { acked, failed } = await published;

  await waitFor(
    'every acknowledged job ran',
    () => {
      const ran = new Set(readRuns(out));
      return [...acked].every((id) => ran.has(id));
    },
    120_000,
    200,
  );
  const durable = `svc-${label}_jobs-${label}`;
  await waitFor(
    'the consumer has nothing pending or unacked',
    async () => {
      const c = await jsm.consumers.info(stream, durable);
      return c.num_pending === 0 && c.num_ack_pending === 0;
    },
    60_000,
    200,
  );
  // A server killed with -9 can keep work-queue messages that were acked just before (nats-server
  // 2.9 saves the ack floor and the deletes apart): below the ack floor, never delivered again.
  // `repairStream` removes exactly those; anything else left would be a lost job.
  let stranded = 0;
  if ((await jsm.streams.info(stream)).state.messages > 0) {
    stranded = (await repairStream(jsm, stream)).removed.length;
  }
  expect((await jsm.streams.info(stream)).state.messages).toBe(0);
  const runs = readRuns(out);
  const ran = new Set(runs);
  const sent = new Set(ids);
  expect([...ran].filter((id) => !sent.has(id))).toEqual([]);
  expect([...acked].filter((id) => !ran.has(id))).toEqual([]);
  expect(acked.size + failed.size).toBe(N);
  // A publish that failed may still have been stored (its PubAck was lost): it then runs, once.
  const failedButRan = [...failed.keys()].filter((id) => ran.has(id)).length;
  const duplicates = runs.length - ran.size;
  const dlq = await jsm.streams.info('JETBUS_DLQ').then(
    (i) => i.state.messages,
    () => 0,
  );
  expect(dlq).toBe(0);
  expect(duplicates).toBeLessThanOrEqual(faults * WORKERS * CONCURRENCY + (allowance?.mayRunTwice ?? 0));
  console.log(
    `${label}: ${N} jobs, ${acked.size} acked, ${failed.size} publish errors ` +
      `(${[...new Set(failed.values())].slice(0, 3).join(' | ') || 'none'}; ${failedButRan} of them stored and run), ` +
      `${duplicates} run twice, ${stranded} stranded (removed by repairStream), fault took ${faultMs} ms`,
  );
  await fleet.stop();
}
