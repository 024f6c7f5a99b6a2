import { get } from 'node:http';

/** A running cluster node as the health check sees it. */
export interface HealthNode {
  serverName: string;
  monitoringUrl: string;
}

interface JszReplica {
  name: string;
  current?: boolean;
  offline?: boolean;
}

interface JszCluster {
  leader?: string;
  replicas?: JszReplica[];
}

interface Jsz {
  meta_cluster?: JszCluster;
  account_details?: {
    name: string;
    stream_detail?: {
      name: string;
      cluster?: JszCluster;
      consumer_detail?: { name: string; cluster?: JszCluster }[];
    }[];
  }[];
}

const HTTP_TIMEOUT_MS = 1_000;

/**
 * Why a JetStream cluster is not healthy yet, or `undefined` when it is: every running node knows the
 * same meta leader, which sees the other running nodes as current, and every replicated stream and
 * consumer hosted on a running node has a leader that sees its running replicas as current.
 *
 * Uses the monitoring endpoint (/jsz) rather than the JetStream API: it needs no credentials (operator
 * mode, TLS), and on 2.9 JetStream API requests sent before a meta leader exists get no reply at all,
 * only a client-side timeout.
 */
export async function jetstreamClusterProblem(nodes: readonly HealthNode[]): Promise<string | undefined> {
  const running = new Set(nodes.map((n) => n.serverName));
  const views = await Promise.all(
    nodes.map(async (node) => ({
      node,
      jsz: await getJson<Jsz>(`${node.monitoringUrl}/jsz?accounts=true&streams=true&consumers=true`),
    })),
  );
  const leaders = new Set(views.map((v) => v.jsz.meta_cluster?.leader ?? ''));
  if (leaders.size !== 1 || leaders.has('')) {
    return `no agreed meta leader (seen: ${views.map((v) => `${v.node.serverName}->${v.jsz.meta_cluster?.leader || 'none'}`).join(', ')})`;
  }
  const [metaLeader] = leaders;
  const leaderView = views.find((v) => v.node.serverName === metaLeader);
  if (!leaderView) return `meta leader ${metaLeader} is not a running node`;
  const peers = leaderView.jsz.meta_cluster?.replicas ?? [];
  const lagging = [...running].filter((name) => name !== metaLeader && !isCurrent(peers, name));
  if (lagging.length) return `meta leader ${metaLeader} does not see ${lagging.join(', ')} as current`;

  const assets = new Set<string>();
  const led = new Set<string>();
  for (const { node, jsz } of views) {
    for (const account of jsz.account_details ?? []) {
      for (const stream of account.stream_detail ?? []) {
        const streamKey = `stream ${account.name}/${stream.name}`;
        const problem = checkAsset(streamKey, stream.cluster, node.serverName, running, assets, led);
        if (problem) return problem;
        for (const consumer of stream.consumer_detail ?? []) {
          const consumerKey = `consumer ${account.name}/${stream.name}/${consumer.name}`;
          const consumerProblem = checkAsset(
            consumerKey,
            consumer.cluster,
            node.serverName,
            running,
            assets,
            led,
          );
          if (consumerProblem) return consumerProblem;
        }
      }
    }
  }
  const leaderless = [...assets].filter((key) => !led.has(key));
  return leaderless.length ? `no leader yet for ${leaderless.join(', ')}` : undefined;
}

/** Why the cluster's routes are incomplete, or `undefined` (used when JetStream is off). */
export async function routesProblem(nodes: readonly HealthNode[]): Promise<string | undefined> {
  for (const node of nodes) {
    const varz = await getJson<{ routes?: number }>(`${node.monitoringUrl}/varz`);
    // 2.10+ pools several routes per peer, hence "at least".
    if ((varz.routes ?? 0) < nodes.length - 1) return `${node.serverName} has ${varz.routes ?? 0} routes`;
  }
  return undefined;
}

function checkAsset(
  key: string,
  cluster: JszCluster | undefined,
  reporter: string,
  running: ReadonlySet<string>,
  assets: Set<string>,
  led: Set<string>,
): string | undefined {
  assets.add(key);
  // Only a leader's view of its replicas is authoritative; followers report stale `current` flags.
  if (cluster?.leader !== reporter) return undefined;
  led.add(key);
  // Replicas on stopped nodes are expected to lag; the running ones must be caught up.
  const lagging = (cluster.replicas ?? [])
    .filter((r) => running.has(r.name) && !isCurrent(cluster.replicas ?? [], r.name))
    .map((r) => r.name);
  return lagging.length
    ? `${key}: leader ${reporter} does not see ${lagging.join(', ')} as current`
    : undefined;
}

function isCurrent(replicas: readonly JszReplica[], name: string): boolean {
  return replicas.some((r) => r.name === name && r.current === true && !r.offline);
}

function getJson<T>(url: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, timeout: HTTP_TIMEOUT_MS }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        try {
          resolve(JSON.parse(body) as T);
        } catch (error) {
          reject(new Error(`bad JSON from ${url}: ${body.slice(0, 200)}`, { cause: error }));
        }
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`timeout after ${HTTP_TIMEOUT_MS} ms: ${url}`)));
    request.on('error', reject);
  });
}
