import { POLL_INTERVAL_MS, PORT_CONFLICT_ATTEMPTS } from './constants';
import { type HealthNode, jetstreamClusterProblem, routesProblem } from './cluster-health';
import { NatsClusterNotReadyError, NatsServerStartError } from './errors';
import { freePort } from './free-port';
import { NatsServer } from './nats-server';
import {
  type NatsClusterOptions,
  type ParsedNatsClusterOptions,
  parseNatsClusterOptions,
} from './nats-cluster.options';

/**
 * An n-node cluster (JetStream by default) on 127.0.0.1. Every node has its own store and monitoring
 * port, and keeps its client and route ports across stopNode() / startNode().
 */
export class NatsCluster {
  private stopping?: Promise<void>;

  private constructor(
    readonly servers: readonly NatsServer[],
    private readonly options: ParsedNatsClusterOptions,
  ) {}

  /**
   * Starts every node and resolves once the cluster is healthy (see waitUntilHealthy()).
   * @throws NatsServerNotFoundError, NatsServerStartError, NatsClusterNotReadyError
   */
  static async start(options?: NatsClusterOptions): Promise<NatsCluster> {
    const parsed = parseNatsClusterOptions(options);
    for (let attempt = 1; ; attempt++) {
      const routePorts: number[] = [];
      for (let i = 0; i < parsed.nodes; i++) routePorts.push(await freePort());
      const results = await Promise.allSettled(
        routePorts.map((port, i) =>
          NatsServer.start({
            ...parsed.server,
            serverName: `${parsed.name}-n${i}`,
            // The health checks read /jsz and /varz.
            monitoring: true,
            cluster: { name: parsed.name, port, routes: routePorts.filter((_, j) => j !== i) },
          }),
        ),
      );
      const servers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (!failure) {
        const cluster = new NatsCluster(servers, parsed);
        try {
          await cluster.waitUntilHealthy();
        } catch (error) {
          await cluster.stop();
          throw error;
        }
        return cluster;
      }
      await Promise.all(servers.map((s) => s.stop()));
      const portTaken =
        failure.reason instanceof NatsServerStartError &&
        /address already in use/i.test(failure.reason.logTail);
      if (attempt >= PORT_CONFLICT_ATTEMPTS || !portTaken) throw failure.reason;
    }
  }

  /** Client URLs of all nodes, running or not, in node order. */
  get urls(): string[] {
    return this.servers.map((s) => s.url);
  }

  /**
   * Resolves when the running nodes are healthy: with JetStream, they agree on a meta leader that sees
   * them all as current, and every replicated stream and consumer they host has a leader whose running
   * replicas are current; without JetStream, all routes are up. Returns at once when fewer than a
   * majority of nodes run (there can be no leader then).
   * @throws NatsClusterNotReadyError after `timeoutMs` (default: the `startTimeoutMs` option)
   */
  async waitUntilHealthy(timeoutMs = this.options.startTimeoutMs): Promise<void> {
    const nodes: HealthNode[] = this.servers
      .filter((s) => s.running && s.monitoringUrl)
      .map((s) => ({ serverName: s.serverName, monitoringUrl: s.monitoringUrl ?? '' }));
    if (this.options.jetstream && nodes.length <= this.servers.length / 2) return;
    const deadline = Date.now() + timeoutMs;
    let problem: string | undefined;
    for (;;) {
      try {
        problem = this.options.jetstream ? await jetstreamClusterProblem(nodes) : await routesProblem(nodes);
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      if (problem === undefined) return;
      if (Date.now() >= deadline) throw new NatsClusterNotReadyError(timeoutMs, problem);
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS * 4));
    }
  }

  /** Graceful stop of node `i` (its store and ports are kept), then waits until the rest is healthy. */
  async stopNode(i: number): Promise<void> {
    await this.node(i).shutdown();
    await this.waitUntilHealthy();
  }

  /** Crashes node `i` (SIGKILL), then waits until the rest is healthy. */
  async killNode(i: number): Promise<void> {
    await this.node(i).kill();
    await this.waitUntilHealthy();
  }

  /** Starts node `i` again with its store on the same ports, then waits until the cluster is healthy. */
  async startNode(i: number): Promise<void> {
    await this.node(i).restart();
    await this.waitUntilHealthy();
  }

  /** Stops every node and removes their temp dirs. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= Promise.all(this.servers.map((s) => s.stop())).then(() => undefined);
    return this.stopping;
  }

  private node(i: number): NatsServer {
    const server = this.servers[i];
    if (!Number.isInteger(i) || !server) {
      throw new RangeError(`node index must be an integer from 0 to ${this.servers.length - 1}, got ${i}`);
    }
    return server;
  }
}
