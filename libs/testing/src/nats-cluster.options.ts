import {
  NATS_CLUSTER_DEFAULT_NAME,
  NATS_CLUSTER_DEFAULT_NODES,
  NATS_SERVER_DEFAULT_START_TIMEOUT_MS,
} from './constants';
import { type NatsServerOptions } from './nats-server.options';

/** Options of every node, except what the cluster assigns per node (ports, name, store, monitoring). */
export interface NatsClusterOptions extends Omit<
  NatsServerOptions,
  'port' | 'storeDir' | 'serverName' | 'monitoring' | 'cluster'
> {
  /** Number of nodes. @default 3 */
  nodes?: number;
  /** Cluster name; nodes are named `<name>-n<i>`. @default 'jetbus-test' */
  name?: string;
}

export interface ParsedNatsClusterOptions {
  nodes: number;
  name: string;
  startTimeoutMs: number;
  jetstream: boolean;
  server: Omit<NatsServerOptions, 'port' | 'storeDir' | 'serverName' | 'monitoring' | 'cluster'>;
}

/** Applies defaults and validates the cluster-level options, throwing with the option's name. */
export function parseNatsClusterOptions(options: NatsClusterOptions = {}): ParsedNatsClusterOptions {
  const { nodes = NATS_CLUSTER_DEFAULT_NODES, name = NATS_CLUSTER_DEFAULT_NAME, ...server } = options;
  if (!Number.isInteger(nodes) || nodes < 1)
    throw new TypeError(`nodes must be a positive integer, got ${nodes}`);
  if (!/^[^\s"]+$/.test(name))
    throw new TypeError(`name must be non-empty without spaces or quotes, got ${name}`);
  return {
    nodes,
    name,
    startTimeoutMs: server.startTimeoutMs ?? NATS_SERVER_DEFAULT_START_TIMEOUT_MS,
    jetstream: server.jetstream ?? true,
    server,
  };
}
