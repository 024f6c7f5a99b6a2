import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { type JetStreamManager, RetentionPolicy, jetstreamManager } from '@nats-io/jetstream';
import { JetbusClient, JetbusError, JetbusModule } from '@jetbus/core';
import { NatsCluster } from '@jetbus/testing';
import { WorkerFleet } from '../support/worker-fleet';
import { waitFor } from '../support/wait-for';

/*
 * An R3 work-queue stream on a 3-node cluster, 3 worker processes, and a producer publishing every
 * job with a msg id while a node fault happens midway. For each fault: every job whose publish was
 * acknowledged is processed; a publish that was not acknowledged ended in a typed JetbusError; no job
 * the producer did not send runs; duplicates (a job run twice because its ack was lost with a leader)
 * are counted and printed; nothing is dead-lettered. Plain-mode cluster (operator mode runs in
 * test/deploy/cluster-topology.e2e.ts); no network partition here (it needs namespaces or route
 * blocking this suite does not set up).
 */

process.env.JETBUS_LOG_LEVEL = 'silent';
const N = 10_000;
/** Publishes in flight at once, each its own request with its own outcome. */
const IN_FLIGHT = 128;
const WORKERS = 3;
/** Each worker's concurrency, which is also its prefetch: the most jobs it holds unacked. */
const CONCURRENCY = 32;

interface Outcome {
  acked: Set<string>;
  failed: Map<string, string>;
}

async function producerApp(urls: string[]): Promise<INestApplicationContext> {
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

async function metaLeader(cluster: NatsCluster): Promise<number> {
  for (const s of cluster.servers) {
    if (!s.running || !s.monitoringUrl) continue;
    const jsz = (await (await fetch(`${s.monitoringUrl}/jsz`)).json()) as {
      meta_cluster?: { leader?: string };
    };
    const leader = jsz.meta_cluster?.leader;
    if (leader) return cluster.servers.findIndex((x) => x.serverName === leader);
  }
  throw new Error('no meta leader');
}

async function streamLeader(cluster: NatsCluster, jsm: JetStreamManager, stream: string): Promise<number> {
  const leader = (await jsm.streams.info(stream)).cluster?.leader;
  const i = cluster.servers.findIndex((s) => s.serverName === leader);
  if (i < 0) throw new Error(`no leader for ${stream} (${leader})`);
  return i;
}

describe('an R3 work queue through node faults (3-node cluster, 3 worker processes)', () => {
  let cluster: NatsCluster;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let producer: INestApplicationContext;
  const fleets: WorkerFleet[] = [];

  beforeAll(async () => {
    cluster = await NatsCluster.start({ nodes: 3 });
    nc = await connect({ servers: cluster.urls, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    jsm = await jetstreamManager(nc);
    producer = await producerApp(cluster.urls);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(fleets.map((f) => f.stop()));
    await producer?.close();
    await nc?.close();
    await cluster?.stop();
  });

  /** Runs N jobs with `fault` injected once a third of them ran; asserts the exact outcome. */
  /**
   * `faults` is how many node stops the fault makes: each may lose the acks in flight to that node,
   * at most every job the workers hold (WORKERS × CONCURRENCY), which then runs again.
   */
  async function runThrough(
    label: string,
    faults: number,
    fault: (stream: string) => Promise<void>,
  ): Promise<void> {
    const stream = `JOBS_${label.toUpperCase()}`;
    const subject = `jobs.${label}`;
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
    fleets.push(fleet);
    await fleet.start();

    const ids = Array.from({ length: N }, (_, i) => `${label}-${i}`);
    const published = publishAll(producer.get(JetbusClient), subject, ids);
    await waitFor('a third of the jobs ran', () => new Set(readRuns(out)).size >= N / 3, 120_000, 50);
    const started = Date.now();
    await fault(stream);
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
    await waitFor(
      'the queue drained',
      async () => (await jsm.streams.info(stream)).state.messages === 0,
      60_000,
      200,
    );
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
    expect(duplicates).toBeLessThanOrEqual(faults * WORKERS * CONCURRENCY);
    console.log(
      `${label}: ${N} jobs, ${acked.size} acked, ${failed.size} publish errors ` +
        `(${[...new Set(failed.values())].slice(0, 3).join(' | ') || 'none'}; ${failedButRan} of them stored and run), ` +
        `${duplicates} run twice, fault took ${faultMs} ms`,
    );
    await fleet.stop();
  }

  it('stop and restart of a node that leads nothing of the stream', async () => {
    await runThrough('follower', 1, async (stream) => {
      const leader = await streamLeader(cluster, jsm, stream);
      const meta = await metaLeader(cluster);
      const i = [0, 1, 2].find((n) => n !== leader && n !== meta) ?? (leader + 1) % 3;
      await cluster.stopNode(i);
      await cluster.startNode(i);
    });
  }, 300_000);

  it('kill -9 of the stream leader', async () => {
    await runThrough('leader', 1, async (stream) => {
      const i = await streamLeader(cluster, jsm, stream);
      await cluster.killNode(i);
      await cluster.startNode(i);
    });
  }, 300_000);

  it('kill -9 of the meta leader', async () => {
    await runThrough('meta', 1, async () => {
      const i = await metaLeader(cluster);
      await cluster.killNode(i);
      await cluster.startNode(i);
    });
  }, 300_000);

  it('rolling restart of all three nodes', async () => {
    await runThrough('rolling', 3, async () => {
      for (const i of [0, 1, 2]) {
        await cluster.stopNode(i);
        await cluster.startNode(i);
      }
    });
  }, 300_000);
});
