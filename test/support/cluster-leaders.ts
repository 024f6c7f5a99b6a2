import { type JetStreamManager } from '@nats-io/jetstream';
import { type NatsCluster } from '@jetbus/testing';

/** The index of the node that leads the JetStream meta group, as its `/jsz` says. */
export async function metaLeader(cluster: NatsCluster): Promise<number> {
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

/** The index of the node that leads `stream`. */
export async function streamLeader(
  cluster: NatsCluster,
  jsm: JetStreamManager,
  stream: string,
): Promise<number> {
  const leader = (await jsm.streams.info(stream)).cluster?.leader;
  const i = cluster.servers.findIndex((s) => s.serverName === leader);
  if (i < 0) throw new Error(`no leader for ${stream} (${leader})`);
  return i;
}
