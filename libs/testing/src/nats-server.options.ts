import { NATS_CLUSTER_DEFAULT_NAME, NATS_SERVER_DEFAULT_START_TIMEOUT_MS } from './constants';

/** Routes between servers of one cluster, all on 127.0.0.1. */
export interface NatsServerClusterOptions {
  /** Cluster name. @default 'jetbus-test' */
  name?: string;
  /** Cluster (route) port. @default a free loopback port */
  port?: number;
  /** Cluster ports of the other nodes on 127.0.0.1. */
  routes: readonly number[];
  /**
   * Route port on 127.0.0.1 this node advertises to the others (`cluster { advertise }`): where a node
   * that learns of it through gossip connects (an implicit route). Set it to keep every route on the
   * configured ones, e.g. when they run through proxies. @default the cluster port
   */
  advertisePort?: number;
}

export interface NatsServerOptions {
  /**
   * Extra nats-server config text appended to the generated config (operator / resolver blocks, tls {},
   * accounts, authorization). The fixture generates only `server_name`, `listen`, `log_file`, `http`,
   * `jetstream {}` and `cluster {}`; do not set those here (a repeated top-level key replaces the
   * generated one, and readiness is read from the generated `log_file` on the generated port). Use
   * absolute paths: `include` resolves relative to the generated config's temp dir.
   */
  config?: string;
  /** Extra lines inside the generated `jetstream {}` block, e.g. `key: "..."` for encryption at rest. */
  jetstreamConfig?: string;
  /** Enable JetStream. With `false` no `jetstream {}` block is generated. @default true */
  jetstream?: boolean;
  /** Client port on 127.0.0.1. @default a free loopback port */
  port?: number;
  /** JetStream store dir. @default a fresh temp dir, removed by stop() unless `keepStore` */
  storeDir?: string;
  /** Keep the store dir the fixture created when stop() runs. @default false */
  keepStore?: boolean;
  /** Binary. @default process.env.NATS_SERVER_BIN, else `nats-server` on PATH, else /usr/sbin/nats-server */
  binary?: string;
  /** Extra command line arguments, after `-c <config>` (flags override the config file). @default [] */
  args?: readonly string[];
  /** Server name. @default a unique `jetbus-<hex>` */
  serverName?: string;
  /** Time to wait for the server to be ready, in ms. @default 10000 */
  startTimeoutMs?: number;
  /** Enable the HTTP monitoring port on a free loopback port. @default false */
  monitoring?: boolean;
  /**
   * Dump the server log to stderr when the server stops, is killed or fails to start, and keep its temp
   * dir (config and log). @default false (the log stays readable through logs() until stop())
   */
  debug?: boolean;
  /** Join a cluster (see NatsCluster, which sets this for you). @default no cluster */
  cluster?: NatsServerClusterOptions;
}

export interface ParsedNatsServerOptions {
  config: string;
  jetstreamConfig: string;
  jetstream: boolean;
  port?: number;
  storeDir?: string;
  keepStore: boolean;
  binary?: string;
  args: readonly string[];
  serverName?: string;
  startTimeoutMs: number;
  monitoring: boolean;
  debug: boolean;
  cluster?: Required<Omit<NatsServerClusterOptions, 'port' | 'advertisePort'>> & {
    port?: number;
    advertisePort?: number;
  };
}

/** Applies defaults and validates every option, throwing with the option's name. */
export function parseNatsServerOptions(options: NatsServerOptions = {}): ParsedNatsServerOptions {
  if (options.port !== undefined) assertPort('port', options.port);
  if (options.cluster?.port !== undefined) assertPort('cluster.port', options.cluster.port);
  options.cluster?.routes.forEach((port, i) => assertPort(`cluster.routes[${i}]`, port));
  if (options.cluster?.advertisePort !== undefined) {
    assertPort('cluster.advertisePort', options.cluster.advertisePort);
  }
  const startTimeoutMs = options.startTimeoutMs ?? NATS_SERVER_DEFAULT_START_TIMEOUT_MS;
  if (!Number.isFinite(startTimeoutMs) || startTimeoutMs <= 0) {
    throw new TypeError(`startTimeoutMs must be a positive number of milliseconds, got ${startTimeoutMs}`);
  }
  if (options.serverName !== undefined && !/^[^\s"]+$/.test(options.serverName)) {
    throw new TypeError(
      `serverName must be non-empty without spaces or quotes, got ${JSON.stringify(options.serverName)}`,
    );
  }
  return {
    config: options.config ?? '',
    jetstreamConfig: options.jetstreamConfig ?? '',
    jetstream: options.jetstream ?? true,
    port: options.port,
    storeDir: options.storeDir,
    keepStore: options.keepStore ?? false,
    binary: options.binary,
    args: options.args ?? [],
    serverName: options.serverName,
    startTimeoutMs,
    monitoring: options.monitoring ?? false,
    debug: options.debug ?? false,
    cluster: options.cluster && {
      name: options.cluster.name ?? NATS_CLUSTER_DEFAULT_NAME,
      port: options.cluster.port,
      routes: options.cluster.routes,
      advertisePort: options.cluster.advertisePort,
    },
  };
}

function assertPort(name: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`${name} must be an integer port between 1 and 65535, got ${port}`);
  }
}
