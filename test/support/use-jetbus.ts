import { type INestApplicationContext, type Type } from '@nestjs/common';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { JetbusClient, JetbusConnection, type JetbusModuleOptions } from '@jetbus/core';
import { NatsServer, type NatsServerOptions } from '@jetbus/testing';
import { type CapturedLogs, captureLogs, startJetbusApp } from './jetbus-app';

/** A real nats-server for one `describe`, and a plain client connection to it. */
export interface NatsFixture {
  readonly server: NatsServer;
  /** The test's own nats.js connection (reconnects forever: it survives server restarts). */
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly js: JetStreamClient;
}

/** App options without `servers` (the fixture's server); logs are captured unless `logger` is given. */
export type AppOptions = Omit<JetbusModuleOptions, 'servers'>;

export interface AppExtras {
  /** Start consuming (`JetbusServer.start()`). @default true */
  start?: boolean;
  controllers?: Type[];
}

export interface JetbusFixture extends NatsFixture {
  /** The app `useJetbus(options, providers)` started. */
  readonly app: INestApplicationContext;
  /** Its `JetbusClient` and `JetbusConnection`. */
  readonly bus: JetbusClient;
  readonly connection: JetbusConnection;
  /** Log records of every app the fixture started without a `logger` of its own. */
  readonly logs: CapturedLogs;
  /** Starts another app on the same server; it is closed with the fixture, before the server stops. */
  startApp(options: AppOptions, providers?: Type[], extras?: AppExtras): Promise<INestApplicationContext>;
  /** Runs `fn` in `afterAll`, before the apps close and the server stops (e.g. kill worker processes). */
  onStop(fn: () => Promise<unknown>): void;
}

export interface NatsFixtureOptions {
  /** Options of the nats-server. @default a plain JetStream server */
  server?: NatsServerOptions;
}

/** `value`, or a clear error when a fixture's getter is read before its `beforeAll` set it. */
export const ready = <T>(what: string, value: T | undefined): T => {
  if (value === undefined) throw new Error(`${what} is used before beforeAll ran (or after it failed)`);
  return value;
};

/**
 * Starts a nats-server (free loopback port, temp store) and a client connection in `beforeAll`,
 * and in `afterAll` runs `beforeStop`, then closes both. Call it in a `describe`.
 */
export function natsFixture(options: NatsFixtureOptions, beforeStop: () => Promise<void>): NatsFixture {
  let server: NatsServer | undefined;
  let nc: NatsConnection | undefined;
  let jsm: JetStreamManager | undefined;
  let js: JetStreamClient | undefined;
  beforeAll(async () => {
    server = await NatsServer.start(options.server);
    nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    jsm = await jetstreamManager(nc);
    js = jetstream(nc);
  });
  afterAll(async () => {
    await beforeStop();
    await nc?.close();
    await server?.stop();
  });
  return {
    get server() {
      return ready('the nats-server', server);
    },
    get nc() {
      return ready('the connection', nc);
    },
    get jsm() {
      return ready('the JetStreamManager', jsm);
    },
    get js() {
      return ready('the JetStream client', js);
    },
  };
}

/** A real nats-server for the `describe` it is called in, and a client connection to it. */
export const useNats = (options: NatsFixtureOptions = {}): NatsFixture =>
  natsFixture(options, () => Promise.resolve());

/**
 * `useNats()` plus a Nest application context around `JetbusModule.forRoot(options)` and
 * `providers`, started in `beforeAll` and closed in `afterAll` before the server stops, its logs
 * captured. More apps on the same server: `startApp`.
 */
export function useJetbus(
  options: AppOptions,
  providers: Type[] = [],
  extras: NatsFixtureOptions & AppExtras = {},
): JetbusFixture {
  const stops: (() => Promise<unknown>)[] = [];
  const apps: INestApplicationContext[] = [];
  // One afterAll, so the order is certain: onStop work, then the apps (newest first), then the server.
  const nats = natsFixture(extras, async () => {
    for (const stop of stops.splice(0)) await stop();
    for (const app of apps.splice(0).reverse()) await app.close();
  });
  const logs = captureLogs();
  let first: INestApplicationContext | undefined;
  const startApp: JetbusFixture['startApp'] = async (appOptions, appProviders = [], more = {}) => {
    const app = await startJetbusApp(
      { logger: logs.logger, ...appOptions, servers: nats.server.url },
      appProviders,
      more,
    );
    apps.push(app);
    return app;
  };
  beforeAll(async () => {
    first = await startApp(options, providers, { start: extras.start, controllers: extras.controllers });
  });
  return {
    get server() {
      return nats.server;
    },
    get nc() {
      return nats.nc;
    },
    get jsm() {
      return nats.jsm;
    },
    get js() {
      return nats.js;
    },
    get app() {
      return ready('the app', first);
    },
    get bus() {
      return ready('the app', first).get(JetbusClient);
    },
    get connection() {
      return ready('the app', first).get(JetbusConnection);
    },
    logs,
    startApp,
    onStop: (fn) => void stops.push(fn),
  };
}
