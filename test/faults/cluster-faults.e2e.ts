import { NatsCluster } from '@jetbus/testing';
import { metaLeader, streamLeader } from '../support/cluster-leaders';
import { runJobsThroughFault } from '../support/run-jobs-through-fault';
import { useFaultCluster } from '../support/use-fault-cluster';

/*
 * An R3 work-queue stream on a 3-node cluster, 3 worker processes, and a producer publishing every
 * job with a msg id while a node fault happens midway (the run and its assertions:
 * test/support/run-jobs-through-fault.ts). Plain-mode cluster (operator mode runs in
 * test/deploy/cluster-topology.e2e.ts); the network partition runs in cluster-partition.e2e.ts, on a
 * cluster whose routes go through proxies.
 */

process.env.JETBUS_LOG_LEVEL = 'silent';

describe('an R3 work queue through node faults (3-node cluster, 3 worker processes)', () => {
  const t = useFaultCluster(() =>
    // A killed or restarted node waits this long for the rest to be healthy (every consumer led):
    // CI saw a consumer without a leader for over the default 10 s after a meta leader kill, under load.
    NatsCluster.start({ nodes: 3, startTimeoutMs: 45_000 }),
  );

  it('stop and restart of a node that leads nothing of the stream', async () => {
    await runJobsThroughFault(t, 'follower', 1, async ({ stream }) => {
      const leader = await streamLeader(t.cluster, t.jsm, stream);
      const meta = await metaLeader(t.cluster);
      const i = [0, 1, 2].find((n) => n !== leader && n !== meta) ?? (leader + 1) % 3;
      await t.cluster.stopNode(i);
      await t.cluster.startNode(i);
    });
  }, 300_000);

  it('kill -9 of the stream leader', async () => {
    await runJobsThroughFault(t, 'leader', 1, async ({ stream }) => {
      const i = await streamLeader(t.cluster, t.jsm, stream);
      await t.cluster.killNode(i);
      await t.cluster.startNode(i);
    });
  }, 300_000);

  it('kill -9 of the meta leader', async () => {
    await runJobsThroughFault(t, 'meta', 1, async () => {
      const i = await metaLeader(t.cluster);
      await t.cluster.killNode(i);
      await t.cluster.startNode(i);
    });
  }, 300_000);

  it('rolling restart of all three nodes', async () => {
    await runJobsThroughFault(t, 'rolling', 3, async () => {
      for (const i of [0, 1, 2]) {
        await t.cluster.stopNode(i);
        await t.cluster.startNode(i);
      }
    });
  }, 300_000);
});
