import { type Server, type Socket, createServer } from 'node:net';
import { type HealthNode, NatsServer, freePort, jetstreamClusterProblem } from '@jetbus/testing';
import { TcpProxy } from './tcp-proxy';
import { sleep } from './wait-for';

interface Routez {
  routes?: { remote_id: string; did_solicit: boolean; ip: string; port: number }[];
}

const HEALTH_POLL_MS = 100;

/**
 * A JetStream cluster on loopback whose route connections all run through TCP proxies the test owns,
 * one per direction per pair of nodes (node i's route to node j goes to proxy i->j), so that
 * partition(i) cuts node i off from the others while every process keeps running.
 *
 * NATS gossips the route address of each node to the others, which then connect to it directly (an
 * implicit route) when they have no route to it yet: that would bypass the proxies, e.g. when a node
 * rejoins. Every node therefore advertises a trap port that never answers, so only configured
 * routes (through the proxies) ever form; routesProblem() checks it on /routez.
 */
export class RouteProxiedCluster {
  private isolated?: number;
  private stopping?: Promise<void>;

  private constructor(
    readonly servers: readonly NatsServer[],
    /** proxies[i][j]: node i's route to node j (undefined for i === j). */
    private readonly proxies: readonly (readonly (TcpProxy | undefined)[])[],
    private readonly trap: Server,
    private readonly trapped: { count: number; sockets: Set<Socket> },
  ) {}

  /** Starts `nodes` JetStream nodes and their proxies; resolves once the cluster is healthy. */
  static async start(nodes = 3, name = 'jetbus-partition'): Promise<RouteProxiedCluster> {
    const trapped = { count: 0, sockets: new Set<Socket>() };
    // It holds each connection open and silent rather than closing it: a server whose implicit route
    // is closed dials it again at once, tens of times a second; one that waits for an INFO does not.
    const trap = createServer((socket: Socket) => {
      trapped.count++;
      trapped.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => trapped.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', () => resolve()));
    const trapPort = (trap.address() as { port: number }).port;
    const clusterPorts: number[] = [];
    for (let i = 0; i < nodes; i++) clusterPorts.push(await freePort());
    const proxies = await Promise.all(
      clusterPorts.map((_, i) =>
        Promise.all(
          clusterPorts.map((port, j) => (i === j ? Promise.resolve(undefined) : TcpProxy.start(port))),
        ),
      ),
    );
    const started = await Promise.allSettled(
      clusterPorts.map((port, i) =>
        NatsServer.start({
          serverName: `${name}-n${i}`,
          monitoring: true,
          cluster: {
            name,
            port,
            routes: proxies[i].flatMap((p) => (p ? [p.port] : [])),
            advertisePort: trapPort,
          },
        }),
      ),
    );
    const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const cluster = new RouteProxiedCluster(servers, proxies, trap, trapped);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    try {
      if (failed) throw failed.reason;
      await cluster.waitUntilHealthy();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Client URLs of all nodes, in node order (clients connect directly, not through the proxies). */
  get urls(): string[] {
    return this.servers.map((s) => s.url);
  }

  /** Connections to the advertised trap port: implicit routes the gossip tried (none formed). */
  get implicitRouteAttempts(): number {
    return this.trapped.count;
  }

  /** Route connections closed at once because they came during the partition. */
  get refusedDuringPartition(): number {
    return this.proxies.flat().reduce((n, p) => n + (p?.refused ?? 0), 0);
  }

  /** Cuts node `i` off: closes every route connection to and from it, and each new one, until heal(). */
  partition(i: number): void {
    if (!this.servers[i]) throw new RangeError(`no node ${i}`);
    this.isolated = i;
    this.proxies.forEach((row, from) =>
      row.forEach((proxy, to) => {
        if (from === i || to === i) proxy?.cutOff();
      }),
    );
  }

  /** Lets every route connect again. */
  heal(): void {
    this.isolated = undefined;
    for (const proxy of this.proxies.flat()) proxy?.heal();
  }

  /**
   * Resolves when the side that holds the majority is healthy (see jetstreamClusterProblem): the
   * nodes not cut off agree on a meta leader that sees them current, and every replicated stream and
   * consumer they host has a leader among them; when healed, also every route runs through a proxy.
   */
  async waitUntilHealthy(timeoutMs = 30_000): Promise<void> {
    const nodes: HealthNode[] = this.servers
      .filter((_, i) => i !== this.isolated)
      .map((s) => ({ serverName: s.serverName, monitoringUrl: s.monitoringUrl ?? '' }));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let problem: string | undefined;
      try {
        problem =
          (await jetstreamClusterProblem(nodes)) ??
          (this.isolated === undefined ? await this.routesProblem() : undefined);
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      if (problem === undefined) return;
      if (Date.now() >= deadline) throw new Error(`cluster not healthy after ${timeoutMs} ms: ${problem}`);
      await sleep(HEALTH_POLL_MS);
    }
  }

  /**
   * Why the routes are not as intended, or undefined: every node has a route to every other node
   * (2.10+ pools several per peer), and each route's remote end, as the node's /routez shows it, is a
   * proxy port (a route it solicited) or a proxy's connection to it (a route it accepted).
   */
  async routesProblem(): Promise<string | undefined> {
    const ids = await Promise.all(this.servers.map((s) => this.json<{ server_id: string }>(s, '/varz')));
    for (const [i, server] of this.servers.entries()) {
      const routes = (await this.json<Routez>(server, '/routez')).routes ?? [];
      const bypass = routes.filter((r) => !this.proxies.flat().some((p) => p?.carries(r.port)));
      if (bypass.length) {
        return `${server.serverName} has routes not through a proxy: ${bypass.map((r) => `${r.ip}:${r.port}`).join(', ')}`;
      }
      const peers = new Set(routes.map((r) => r.remote_id));
      const missing = ids.filter((v, j) => j !== i && !peers.has(v.server_id));
      if (missing.length) return `${server.serverName} has no route to ${missing.length} peer(s)`;
    }
    return undefined;
  }

  /** Stops every node, proxy and the trap. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all(this.servers.map((s) => s.stop()));
      await Promise.all(this.proxies.flat().map((p) => p?.close()));
      for (const socket of this.trapped.sockets) socket.destroy();
      await new Promise<void>((resolve) => this.trap.close(() => resolve()));
    })();
    return this.stopping;
  }

  private async json<T>(server: NatsServer, path: string): Promise<T> {
    const res = await fetch(`${server.monitoringUrl}${path}`);
    return (await res.json()) as T;
  }
}
