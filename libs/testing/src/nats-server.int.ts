import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { NatsServerNotFoundError, NatsServerStartError } from './errors';
import { NatsServer } from './nats-server';

jest.setTimeout(20_000);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

async function nextStatus(nc: NatsConnection, type: string): Promise<void> {
  for await (const status of nc.status()) if (status.type === type) return;
}

/** A file-storage stream with `count` messages 'm1'..'mN' on `<name>.<i>`. */
async function fillStream(nc: NatsConnection, name: string, count: number): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name, subjects: [`${name}.>`], storage: StorageType.File });
  const js = jetstream(nc);
  for (let i = 1; i <= count; i++) await js.publish(`${name}.${i}`, `m${i}`);
}

async function storedMessages(url: string, name: string): Promise<string[]> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(name);
    const messages: string[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const msg = await jsm.streams.getMessage(name, { seq });
      if (msg) messages.push(msg.string());
    }
    return messages;
  } finally {
    await nc.close();
  }
}

describe('NatsServer', () => {
  describe('start() and stop()', () => {
    it('runs a server on a free loopback port and stop() removes the process and its files', async () => {
      const server = await NatsServer.start({ monitoring: true });
      const pid = server.pid;
      let stopped = false;
      try {
        expect(server.host).toBe('127.0.0.1');
        expect(server.port).not.toBe(4222);
        expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
        expect(pid).toEqual(expect.any(Number));
        expect(server.running).toBe(true);
        expect(readFileSync(server.configFile, 'utf8')).toContain(`listen: "127.0.0.1:${server.port}"`);
        expect(server.logs()).toContain('Server is ready');

        const nc = await connect({ servers: server.url });
        expect(nc.info?.server_name).toBe(server.serverName);
        expect(server.version()).toBe(nc.info?.version);
        await nc.close();

        expect(server.monitoringUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const health = await httpGet(`${server.monitoringUrl}/healthz`);
        expect(health.status).toBe(200);

        await server.stop();
        stopped = true;
        expect(server.running).toBe(false);
        expect(server.pid).toBeUndefined();
        expect(isAlive(pid as number)).toBe(false);
        expect(existsSync(server.configFile)).toBe(false);
        expect(existsSync(server.storeDir)).toBe(false);
        // The log stays readable after stop() removed the file.
        expect(server.logs()).toContain('Server Exiting');
        await expect(server.stop()).resolves.toBeUndefined();
        await expect(server.restart()).rejects.toThrow(/was stopped/);
      } finally {
        if (!stopped) await server.stop();
      }
    });

    it('gives two servers started together different ports', async () => {
      const [a, b] = await Promise.all([NatsServer.start(), NatsServer.start()]);
      try {
        expect(a.port).not.toBe(b.port);
        expect(a.storeDir).not.toBe(b.storeDir);
        const [ncA, ncB] = await Promise.all([connect({ servers: a.url }), connect({ servers: b.url })]);
        expect(ncA.info?.server_name).toBe(a.serverName);
        expect(ncB.info?.server_name).toBe(b.serverName);
        await Promise.all([ncA.close(), ncB.close()]);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    });

    it('passes extra command line arguments to the server', async () => {
      const server = await NatsServer.start({ jetstream: false, args: ['-D'] });
      try {
        expect(server.logs()).toContain('[DBG]');
        expect(readFileSync(server.configFile, 'utf8')).not.toContain('jetstream');
      } finally {
        await server.stop();
      }
    });
  });

  describe('with debug: true', () => {
    it('prints the log to stderr on stop() and keeps the temp dir', async () => {
      const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const server = await NatsServer.start({ jetstream: false, debug: true });
      try {
        await server.stop();
        const printed = write.mock.calls.map(([chunk]) => String(chunk)).join('');
        expect(printed).toContain(`nats-server ${server.serverName} (${server.url}) stopped`);
        expect(printed).toContain('Server is ready');
        expect(existsSync(server.configFile)).toBe(true);
      } finally {
        write.mockRestore();
        await rm(dirname(server.configFile), { recursive: true, force: true });
      }
    });
  });

  describe('options', () => {
    it('are validated with the option name in the error', async () => {
      await expect(NatsServer.start({ port: 0 })).rejects.toThrow(/^port must be an integer port/);
      await expect(NatsServer.start({ startTimeoutMs: -1 })).rejects.toThrow(/^startTimeoutMs must be/);
      await expect(NatsServer.start({ serverName: 'a b' })).rejects.toThrow(/^serverName must be/);
    });
  });

  describe('when start() fails', () => {
    it('reports the server complaint about bad config text and cleans up', async () => {
      const error: unknown = await NatsServer.start({ config: 'bogus_option: true' }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(NatsServerStartError);
      const startError = error as NatsServerStartError;
      expect(startError.exitCode).toBe(1);
      expect(startError.logTail).toContain('unknown field "bogus_option"');
      expect(startError.message).toContain('unknown field "bogus_option"');
      expect(existsSync(startError.configFile)).toBe(false);
    });

    it('reports a port that is already taken', async () => {
      const server = await NatsServer.start({ jetstream: false });
      try {
        const error: unknown = await NatsServer.start({ jetstream: false, port: server.port }).catch(
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(NatsServerStartError);
        expect((error as NatsServerStartError).logTail).toContain('address already in use');
        expect(server.running).toBe(true);
      } finally {
        await server.stop();
      }
    });

    it('kills a server that is not ready within startTimeoutMs', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'jetbus-testing-spec-'));
      try {
        const hanging = join(dir, 'hanging-nats-server');
        await writeFile(hanging, `#!/bin/sh\necho "$$" > "${dir}/pid"\nexec sleep 60\n`, { mode: 0o755 });
        const error: unknown = await NatsServer.start({ binary: hanging, startTimeoutMs: 300 }).catch(
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(NatsServerStartError);
        expect((error as NatsServerStartError).message).toContain('was not ready within 300 ms');
        expect((error as NatsServerStartError).exitCode).toBeNull();
        expect(isAlive(Number(await readFile(join(dir, 'pid'), 'utf8')))).toBe(false);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('throws NatsServerNotFoundError for a missing binary', async () => {
      const error: unknown = await NatsServer.start({ binary: '/nonexistent/nats-server' }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(NatsServerNotFoundError);
      expect((error as Error).message).toContain('/nonexistent/nats-server');
      expect((error as Error).message).toContain('apt-get install nats-server');
      expect((error as Error).message).toContain('NATS_SERVER_BIN');
    });

    it('honours NATS_SERVER_BIN', async () => {
      const previous = process.env.NATS_SERVER_BIN;
      process.env.NATS_SERVER_BIN = '/nonexistent/from-env/nats-server';
      try {
        await expect(NatsServer.start()).rejects.toThrow(/from-env\/nats-server/);
      } finally {
        if (previous === undefined) delete process.env.NATS_SERVER_BIN;
        else process.env.NATS_SERVER_BIN = previous;
      }
    });
  });

  describe('JetStream', () => {
    let server: NatsServer;
    let nc: NatsConnection;

    beforeAll(async () => {
      server = await NatsServer.start();
      nc = await connect({ servers: server.url, reconnectTimeWait: 50, maxReconnectAttempts: -1 });
    });

    afterAll(async () => {
      await nc?.close();
      await server?.stop();
    });

    it('is enabled: a stream takes messages and returns PubAcks', async () => {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
      const js = jetstream(nc);
      const first = await js.publish('orders.created', 'a');
      const second = await js.publish('orders.created', 'b', { msgID: 'order-b' });
      const repeat = await js.publish('orders.created', 'b', { msgID: 'order-b' });
      expect(first).toMatchObject({ stream: 'ORDERS', seq: 1, duplicate: false });
      expect(second).toMatchObject({ stream: 'ORDERS', seq: 2, duplicate: false });
      expect(repeat).toMatchObject({ stream: 'ORDERS', seq: 2, duplicate: true });
    });

    it('restart() keeps the port and the stored messages, and clients reconnect to the same URL', async () => {
      await fillStream(nc, 'RESTART', 3);
      const { port, url, pid } = server;

      const reconnected = nextStatus(nc, 'reconnect');
      await server.restart();

      expect(server.port).toBe(port);
      expect(server.url).toBe(url);
      expect(server.pid).not.toBe(pid);
      expect(await storedMessages(server.url, 'RESTART')).toEqual(['m1', 'm2', 'm3']);
      // The connection opened before the restart reconnects to the same URL by itself. (Wait for it:
      // nats.js 3.4 drops what is published while it is disconnected, and js.publish then times out.)
      await reconnected;
      await expect(jetstream(nc).publish('RESTART.4', 'm4')).resolves.toMatchObject({ seq: 4 });
    });

    it('kill() crashes the server, restart() brings it back with its messages', async () => {
      await fillStream(nc, 'CRASH', 3);
      const { port, pid } = server;

      await server.kill();

      expect(server.running).toBe(false);
      expect(server.pid).toBeUndefined();
      expect(isAlive(pid as number)).toBe(false);
      expect(existsSync(server.storeDir)).toBe(true);

      await server.restart();

      expect(server.port).toBe(port);
      expect(server.running).toBe(true);
      expect(await storedMessages(server.url, 'CRASH')).toEqual(['m1', 'm2', 'm3']);
    });
  });

  describe('config', () => {
    it('composes caller accounts with the generated jetstream block', async () => {
      const server = await NatsServer.start({
        config: 'accounts { APP: { jetstream: enabled, users: [{ user: app, password: s3cret }] } }',
      });
      try {
        await expect(connect({ servers: server.url, reconnect: false })).rejects.toThrow(/Authorization/i);
        const nc = await connect({ servers: server.url, user: 'app', pass: 's3cret' });
        const jsm = await jetstreamManager(nc);
        await jsm.streams.add({ name: 'APP', subjects: ['app.>'] });
        await expect(jetstream(nc).publish('app.x', 'x')).resolves.toMatchObject({ stream: 'APP', seq: 1 });
        await nc.close();
      } finally {
        await server.stop();
      }
    });

    it('keeps a caller store dir, and keepStore keeps the generated one', async () => {
      const first = await NatsServer.start({ keepStore: true });
      const nc = await connect({ servers: first.url });
      await fillStream(nc, 'KEPT', 2);
      await nc.close();
      await first.stop();
      expect(existsSync(first.storeDir)).toBe(true);

      const second = await NatsServer.start({ storeDir: first.storeDir });
      try {
        expect(second.storeDir).toBe(first.storeDir);
        expect(await storedMessages(second.url, 'KEPT')).toEqual(['m1', 'm2']);
      } finally {
        await second.stop();
      }
      // A store dir passed by the caller is the caller's to remove.
      expect(existsSync(first.storeDir)).toBe(true);
      await rm(first.storeDir, { recursive: true, force: true });
    });
  });
});
