import { type ChildProcess, spawn } from 'node:child_process';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { freePort, jetstreamClusterProblem, resolveNatsServerBinary } from '@jetbus/testing';
import { waitFor } from '../../support/wait-for';

export const ROOT = path.join(__dirname, '..', '..', '..');

/** A service of docker-compose.yml, anchors and merge keys (`<<: *nats`) resolved. */
export interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  secrets?: string[];
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  healthcheck?: { test: string[] };
  user?: string;
  read_only?: boolean;
  stop_grace_period?: string;
  working_dir?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
}

export async function readComposeFile(file = path.join(ROOT, 'docker-compose.yml')): Promise<ComposeFile> {
  return YAML.parse(await readFile(file, 'utf8'), { merge: true }) as ComposeFile;
}

/** The container path a service mounts `hostPath` (relative to the repository) at. */
export function mountOf(service: ComposeService, hostPath: string): string {
  for (const volume of service.volumes ?? []) {
    const [from, to] = volume.split(':');
    if (path.normalize(from) === path.normalize(hostPath)) return to;
  }
  throw new Error(`no volume mounts ${hostPath}`);
}

/** One nats-server node, run as compose runs it: `nats-server -c <conf>` in its data dir, with its environment. */
export class TopologyNode {
  private child?: ChildProcess;
  private log = '';
  readonly clientUrl: string;
  readonly monitoringUrl: string;

  constructor(
    readonly name: string,
    private readonly conf: string,
    readonly dataDir: string,
    readonly env: Record<string, string>,
  ) {
    this.clientUrl = `nats://${env.NATS_LISTEN}`;
    this.monitoringUrl = `http://${env.NATS_MONITOR}`;
  }

  async start(): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    this.log = '';
    const child = spawn(resolveNatsServerBinary(), ['-c', this.conf], {
      cwd: this.dataDir,
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (this.log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.log += d.toString()));
    this.child = child;
    await waitFor(
      `${this.name} ready`,
      () => {
        if (child.exitCode !== null) throw new Error(`${this.name} exited ${child.exitCode}:\n${this.log}`);
        return this.log.includes('Server is ready');
      },
      20_000,
    );
  }

  get output(): string {
    return this.log;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }
}

/**
 * The NATS part of docker-compose.yml started natively: every `nats-*` service becomes a local
 * nats-server reading the same config file with the same generated auth include next to it, in its
 * own data directory (the container's `working_dir`), with the service's environment. Container
 * addresses become loopback ones: `0.0.0.0:<port>` a free port, `nats-route://<service>:6222` that
 * node's route port.
 */
export async function startComposeNats(
  compose: ComposeFile,
  dir: string,
  serverAuthConf: string,
): Promise<TopologyNode[]> {
  const names = Object.keys(compose.services).filter((n) => n.startsWith('nats-'));
  const etc = path.join(dir, 'etc');
  const confPath = mountOf(compose.services[names[0]], './deploy/nats/nats-cluster.conf');
  const authPath = mountOf(compose.services[names[0]], './.jetbus/deploy/auth/server-auth.conf');
  // The container layout, rooted at dir/etc: the include resolves against the config's directory.
  const conf = path.join(etc, path.relative('/etc/nats', confPath));
  await mkdir(path.dirname(conf), { recursive: true });
  await copyFile(path.join(ROOT, 'deploy', 'nats', 'nats-cluster.conf'), conf);
  const auth = path.join(etc, path.relative('/etc/nats', authPath));
  await mkdir(path.dirname(auth), { recursive: true });
  await copyFile(serverAuthConf, auth);

  const routePort = new Map<string, number>();
  for (const name of names) routePort.set(name, await freePort());
  const nodes: TopologyNode[] = [];
  for (const name of names) {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(compose.services[name].environment ?? {})) {
      let value = String(v);
      if (k === 'NATS_CLUSTER_LISTEN') value = `127.0.0.1:${routePort.get(name)}`;
      else if (/^0\.0\.0\.0:\d+$/.test(value)) value = `127.0.0.1:${await freePort()}`;
      value = value.replace(/nats-route:\/\/([\w-]+):\d+/g, (_, host: string) => {
        const port = routePort.get(host);
        if (!port) throw new Error(`${name} routes to unknown service ${host}`);
        return `nats-route://127.0.0.1:${port}`;
      });
      env[k] = value;
    }
    nodes.push(new TopologyNode(name, conf, path.join(dir, name), env));
  }
  return nodes;
}

/** Resolves once the nodes agree on a meta leader that sees them all as current. */
export async function waitForHealthyCluster(
  nodes: readonly TopologyNode[],
  timeoutMs = 30_000,
): Promise<void> {
  let problem: string | undefined = 'not checked';
  await waitFor(
    'cluster healthy',
    async () => {
      problem = await jetstreamClusterProblem(
        nodes.map((n) => ({ serverName: n.env.NATS_SERVER_NAME, monitoringUrl: n.monitoringUrl })),
      ).catch((e: Error) => e.message);
      return problem === undefined;
    },
    timeoutMs,
    200,
  ).catch((e: Error) => {
    throw new Error(`${e.message}: ${problem}`);
  });
}
