import { type INestApplicationContext } from '@nestjs/common';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { NatsCluster } from '@jetbus/testing';
import { type FaultRunContext, producerApp, runJobsThroughFault } from '../support/run-jobs-through-fault';
import { type WorkerFleet } from '../support/worker-fleet';

/*
 * An R3 work-queue stream on a 3-node cluster, 3 worker processes, and a producer publishing every
 * job with a msg id while a node fault happens midway (the run and its assertions:
 * test/support/run-jobs-through-fault.ts). Plain-mode cluster (operator mode runs in
 * test/deploy/cluster-topology.e2e.ts); the network partition runs in cluster-partition.e2e.ts, on a
 * cluster whose routes go through proxies.
 */

process.env.JETBUS_LOG_LEVEL = 'silent';

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

  const ctx = (): FaultRunContext => ({ cluster, jsm, producer, fleets });

  it('stop and restart of a node that leads nothing of the stream', async () => {
    await runJobsThroughFault(ctx(), 'follower', 1, async ({ stream }) => {
      const leader = await streamLeader(cluster, jsm, stream);
      const meta = await metaLeader(cluster);
      const i = [0, 1, 2].find((n) => n !== leader && n !== meta) ?? (leader + 1) % 3;
      await cluster.stopNode(i);
      await cluster.startNode(i);
    });
  }, 300_000);

  it('kill -9 of the stream leader', async () => {
    await runJobsThroughFault(ctx(), 'leader', 1, async ({ stream }) => {
      const i = await streamLeader(cluster, jsm, stream);
      await cluster.killNode(i);
      await cluster.startNode(i);
    });
  }, 300_000);

  it('kill -9 of the meta leader', async () => {
    await runJobsThroughFault(ctx(), 'meta', 1, async () => {
      const i = await metaLeader(cluster);
      await cluster.killNode(i);
      await cluster.startNode(i);
    });
  }, 300_000);

  it('rolling restart of all three nodes', async () => {
    await runJobsThroughFault(ctx(), 'rolling', 3, async () => {
      for (const i of [0, 1, 2]) {
        await cluster.stopNode(i);
        await cluster.startNode(i);
      }
    });
  }, 300_000);
});
