import { type NatsServer } from '@jetbus/testing';
import { RouteProxiedCluster } from '../support/route-proxied-cluster';
import { runJobsThroughFault } from '../support/run-jobs-through-fault';
import { useFaultCluster } from '../support/use-fault-cluster';
import { waitFor } from '../support/wait-for';

/*
 * A network partition on a 3-node cluster: the run of the other cluster faults (an R3 work-queue
 * stream, 3 worker processes, 10,000 jobs published with msg ids; test/support/run-jobs-through-fault.ts)
 * with the stream leader cut off from the other two nodes midway, then healed. The cut is made in user
 * space: every route connection runs through a TCP proxy the test owns, one per direction per pair, and
 * the partition closes every route connection to and from the node and each new one until the heal
 * (this machine has no iptables; network namespaces would need the fixture off loopback). Clients
 * connect to the nodes directly, so the workers and the producer connected to the cut-off node stay
 * connected to a node that has lost its quorum.
 */

process.env.JETBUS_LOG_LEVEL = 'silent';

interface Led {
  cluster?: { leader?: string };
}
interface StreamJsz {
  account_details?: { stream_detail?: (Led & { name: string; consumer_detail?: Led[] })[] }[];
}

/**
 * The leaders of the stream and of each of its consumers as `server` sees them in /jsz (not through
 * the JetStream API, which needs a quorum), stream first.
 */
async function leadersSeenBy(server: NatsServer, stream: string): Promise<(string | undefined)[]> {
  const jsz = (await (
    await fetch(`${server.monitoringUrl}/jsz?accounts=true&streams=true&consumers=true`)
  ).json()) as StreamJsz;
  const detail = (jsz.account_details ?? [])
    .flatMap((a) => a.stream_detail ?? [])
    .find((s) => s.name === stream);
  return [detail, ...(detail?.consumer_detail ?? [])].map((d) => d?.cluster?.leader || undefined);
}

/** Names of the client connections `server` holds (the workers are named after their service). */
async function clientsOf(server: NatsServer): Promise<string[]> {
  const connz = (await (await fetch(`${server.monitoringUrl}/connz`)).json()) as {
    connections?: { name?: string }[];
  };
  return (connz.connections ?? []).map((c) => c.name ?? '?');
}

describe('an R3 work queue through a network partition (routes through proxies, 3 worker processes)', () => {
  const t = useFaultCluster(() => RouteProxiedCluster.start(3));

  it('every route runs through the proxies: gossip forms no direct route', async () => {
    expect(await t.cluster.routesProblem()).toBeUndefined();
  });

  it('cutting the stream leader off from the other two nodes, then healing', async () => {
    // `2`: the acks in flight can be lost twice: to the leaders on the cut-off node when it is cut, and
    // to leaders an election after the heal may unseat.
    await runJobsThroughFault(t, 'partition', 2, async ({ stream, ran, runs }) => {
      const { cluster, jsm } = t;
      const leaderName = (await jsm.streams.info(stream)).cluster?.leader;
      const i = cluster.servers.findIndex((s) => s.serverName === leaderName);
      expect(i).toBeGreaterThanOrEqual(0);
      const cutOff = cluster.servers[i];
      const clients = await clientsOf(cutOff);
      const [ranBefore, runsBefore] = [ran(), runs()];
      const cutAt = Date.now();
      cluster.partition(i);
      // The two nodes left elect leaders for the meta group, the stream and its consumer among them.
      await cluster.waitUntilHealthy();
      const electedMs = Date.now() - cutAt;
      for (const node of cluster.servers.filter((_, j) => j !== i)) {
        const leaders = await leadersSeenBy(node, stream);
        expect(leaders.length).toBeGreaterThanOrEqual(2);
        for (const leader of leaders) {
          expect(leader).toBeDefined();
          expect(leader).not.toBe(cutOff.serverName);
        }
      }
      // No split brain for long: the cut-off node, with no quorum, stops leading on its own.
      await waitFor(
        'the cut-off node to lead neither the stream nor its consumer',
        async () => !(await leadersSeenBy(cutOff, stream)).includes(cutOff.serverName),
        60_000,
        200,
      );
      const steppedDownMs = Date.now() - cutAt;
      const [ranDuring, runsDuring] = [ran() - ranBefore, runs() - runsBefore];
      cluster.heal();
      const healedAt = Date.now();
      await cluster.waitUntilHealthy();
      const rejoinedMs = Date.now() - healedAt;
      expect(await cluster.routesProblem()).toBeUndefined();
      console.log(
        `partition: cut ${cutOff.serverName} (stream leader; clients on it: ${clients.join(', ') || 'none'}) off; ` +
          `leaders elected on the other side after ${electedMs} ms; the cut-off node led nothing after ` +
          `${steppedDownMs} ms; healthy ${rejoinedMs} ms after the heal; ${ranDuring} jobs ran while it was cut off; ` +
          `${cluster.refusedDuringPartition} route connections refused during the cut; ` +
          `${cluster.implicitRouteAttempts} implicit route attempts held by the trap`,
      );
      // Until it steps down, a cut-off consumer leader still hands jobs to the workers connected to its
      // node and takes their acks, which never commit: those jobs run again on the other side. They are
      // among the runs made during the cut.
      return { mayRunTwice: runsDuring };
    });
  }, 120_000);
});
