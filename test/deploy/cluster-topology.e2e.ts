import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { credsAuthenticator, type NatsConnection, connect } from '@nats-io/transport-node';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { JetbusClient } from '@jetbus/core';
import { PublisherModule } from '../../apps/example/src/publisher.module';
import { waitFor } from '../support/wait-for';
import {
  type ComposeFile,
  type ComposeService,
  ROOT,
  type TopologyNode,
  readComposeFile,
  startComposeNats,
  waitForHealthyCluster,
} from './support/compose-topology';

/*
 * docker-compose.yml's topology without a container engine: its three nats-server nodes read
 * deploy/nats/nats-cluster.conf and the server-auth.conf that scripts/deploy-auth.sh generates (the
 * script itself runs here), with the services' own environment; the setup step and two orders
 * workers run the compiled example with the creds the compose file mounts as secrets. Jobs then flow
 * end to end in operator mode on R3 streams, and keep flowing while a node is killed -9.
 */

const run = promisify(execFile);
const ORDERS = 300;

/** `${VAR:?message}` / `${VAR:-default}` / `${VAR}` as compose interpolates them, from `.env`. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::[?-]([^}]*))?\}/g, (_, name: string, fallback?: string) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined && !/^\s*run /.test(fallback)) return fallback;
    throw new Error(`compose variable ${name} is unset`);
  });
}

function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('the docker-compose.yml topology, started natively', () => {
  let dir: string;
  let compose: ComposeFile;
  let dotEnv: Record<string, string>;
  let nodes: TopologyNode[] = [];
  const processes: ChildProcess[] = [];
  const output = new Map<ChildProcess, string>();
  let api: INestApplicationContext | undefined;
  let admin: NatsConnection | undefined;

  /** A service's environment with container names and secrets mapped to the native topology. */
  function serviceEnv(service: ComposeService): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(service.environment ?? {})) {
      let value = interpolate(String(v), dotEnv);
      value = value.replace(/nats:\/\/(nats-\d+):\d+/g, (_, host: string) => {
        const node = nodes.find((n) => n.name === host);
        if (!node) throw new Error(`unknown node ${host}`);
        return node.clientUrl;
      });
      const secret = /^\/run\/secrets\/(\w+)$/.exec(value);
      if (secret) value = secretFile(secret[1]);
      env[k] = value;
    }
    return env;
  }

  function secretFile(name: string): string {
    const file = compose.secrets[name]?.file;
    if (!file) throw new Error(`no secret ${name}`);
    return path.join(dir, 'deploy', path.relative('./.jetbus/deploy', file));
  }

  /** Runs a service's command (node ... from the build) natively with its mapped environment. */
  function startService(name: string): ChildProcess {
    const service = compose.services[name];
    const [bin, ...args] = service.command ?? ['node', 'dist/apps/example/src/main.js'];
    expect(bin).toBe('node');
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...serviceEnv(service) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    output.set(child, '');
    const keep = (d: Buffer) => output.set(child, output.get(child) + d.toString());
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    processes.push(child);
    return child;
  }

  async function streamMessages(jsm: JetStreamManager, stream: string): Promise<number> {
    return (await jsm.streams.info(stream)).state.messages;
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'jetbus-compose-'));
    await run('bash', [path.join(ROOT, 'scripts', 'deploy-auth.sh')], {
      cwd: ROOT,
      env: {
        ...process.env,
        JETBUS_DEPLOY_DIR: path.join(dir, 'deploy'),
        JETBUS_ENV_FILE: path.join(dir, '.env'),
      },
    });
    dotEnv = parseEnvFile(await readFile(path.join(dir, '.env'), 'utf8'));
    compose = await readComposeFile();
    nodes = await startComposeNats(compose, dir, path.join(dir, 'deploy', 'auth', 'server-auth.conf'));
    for (const node of nodes) {
      for (const [k, v] of Object.entries(node.env)) node.env[k] = interpolate(v, dotEnv);
    }
    await Promise.all(nodes.map((n) => n.start()));
    await waitForHealthyCluster(nodes);
  }, 90_000);

  afterAll(async () => {
    await api?.close();
    await admin?.close();
    for (const p of processes) if (p.exitCode === null) p.kill('SIGKILL');
    await Promise.all(nodes.map((n) => n.kill()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs every node in operator mode with JetStream encrypted at rest', () => {
    for (const node of nodes) {
      expect(node.output).toMatch(/Trusted Operators/);
      expect(node.output).toMatch(/Encryption:\s+ChaCha20-Poly1305/);
    }
  });

  it('example jobs flow end to end on R3 streams, through the kill -9 of a node', async () => {
    const setup = startService('setup');
    const code = await new Promise<number | null>((r) => setup.on('exit', r));
    if (code !== 0) throw new Error(`setup failed (${code}):\n${output.get(setup)}`);

    const creds = await readFile(secretFile('admin_creds'));
    admin = await connect({
      servers: nodes.map((n) => n.clientUrl),
      authenticator: credsAuthenticator(creds),
      inboxPrefix: '_INBOX_admin',
    });
    const jsm = await jetstreamManager(admin);
    for (const stream of ['ORDERS', 'EMAILS', 'ORDER_EVENTS', 'JETBUS_DLQ']) {
      expect((await jsm.streams.info(stream)).config.num_replicas).toBe(3);
    }

    const replicas = compose.services.orders.deploy?.replicas ?? 1;
    expect(replicas).toBe(2);
    const workers = Array.from({ length: replicas }, () => startService('orders'));
    // Both workers fully started (the compose file runs them at JETBUS_LOG_LEVEL=info) before the
    // node kill below, so this test is about jobs flowing; a start through a node kill is
    // test/faults/startup-node-kill.e2e.ts.
    await waitFor(
      'both workers started',
      () => workers.every((w) => output.get(w)!.includes('jetbus workers started')),
      60_000,
      100,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${workers.map((w) => output.get(w)).join('\n---\n')}`);
    });

    const producer = serviceEnv(compose.services.setup);
    api = await NestFactory.createApplicationContext(
      PublisherModule.forRoot({
        servers: nodes.map((n) => n.clientUrl),
        credsFile: secretFile('admin_creds').replace('admin.creds', 'producer.creds'),
        inboxPrefix: '_INBOX_producer',
        // The node killed below may lead ORDERS: its publishes wait out the election (5-9 s under
        // load), longer than the 5 s default.
        publishTimeout: '30s',
      }),
      { logger: false },
    );
    expect(producer.NATS_URL.split(',')).toHaveLength(3);
    const bus = api.get(JetbusClient);
    const order = (i: number) => ({
      subject: 'orders.created',
      data: { id: `o-${i}`, customerEmail: `c${i}@example.com`, items: [{ sku: 'apple', qty: 1 }] },
      options: { msgId: `order:o-${i}` },
    });
    await bus.publishMany(Array.from({ length: ORDERS / 2 }, (_, i) => order(i)));
    // A job the handler refuses for good: dead-lettered into the R3 DLQ, not lost.
    await bus.publish('orders.created', {
      id: 'o-plum',
      customerEmail: 'plum@example.com',
      items: [{ sku: 'plum', qty: 99 }],
    });

    // Once the workers are taking jobs, one node dies (kill -9) mid-flow and comes back later.
    await waitFor(
      'the workers take jobs',
      async () => (await streamMessages(jsm, 'ORDER_EVENTS')) >= 10,
      60_000,
      100,
    );
    await nodes[2].kill('SIGKILL');
    await bus.publishMany(Array.from({ length: ORDERS / 2 }, (_, i) => order(ORDERS / 2 + i)));
    await nodes[2].start();
    await waitForHealthyCluster(nodes, 60_000);

    await waitFor(
      `${ORDERS} orders reserved`,
      async () => (await streamMessages(jsm, 'ORDER_EVENTS')) === ORDERS,
      90_000,
      250,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${workers.map((w) => output.get(w)).join('\n---\n')}`);
    });
    await waitFor('queues drained', async () => {
      const [orders, emails] = await Promise.all([
        streamMessages(jsm, 'ORDERS'),
        streamMessages(jsm, 'EMAILS'),
      ]);
      return orders === 0 && emails === 0;
    });
    const ids = new Set<string>();
    const info = await jsm.streams.info('ORDER_EVENTS');
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage('ORDER_EVENTS', { seq });
      if (m) ids.add(m.json<{ id: string }>().id);
    }
    expect(ids).toEqual(new Set(Array.from({ length: ORDERS }, (_, i) => `o-${i}`)));
    expect(await streamMessages(jsm, 'JETBUS_DLQ')).toBe(1);
    for (const w of workers) {
      if (w.exitCode !== null) throw new Error(`a worker exited (${w.exitCode}):\n${output.get(w)}`);
    }
  }, 180_000);
});
