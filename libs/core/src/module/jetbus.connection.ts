import { readFileSync } from 'node:fs';
import {
  type ConnectionOptions,
  type NatsConnection,
  connect,
  credsAuthenticator,
} from '@nats-io/transport-node';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type Logger } from 'pino';
import { ConnectionError, JetbusConfigError } from '../errors';
import { type ResolvedModuleOptions } from './resolve-module-options';

/** How long close() waits for a drain before it closes hard: drain can hang when the server is gone. */
const DRAIN_TIMEOUT_MS = 5_000;

function userNameFromCreds(creds: string): string | undefined {
  const jwt = /-----BEGIN NATS USER JWT-----\s*([^\s-]+)\s*------END NATS USER JWT------/.exec(creds)?.[1];
  if (!jwt) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as {
      name?: string;
      sub?: string;
    };
    return claims.name ?? claims.sub;
  } catch {
    return undefined;
  }
}

/** One NATS connection per application, with its JetStream client and manager. */
export class JetbusConnection {
  private closing?: Promise<void>;
  private connected = true;
  private reconnectWaiters: (() => void)[] = [];

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    /** The authenticated user's name (from the creds JWT), used in permission errors. */
    readonly user: string | undefined,
    private readonly logger: Logger,
  ) {
    void this.watchStatus();
  }

  static async open(options: ResolvedModuleOptions, logger: Logger): Promise<JetbusConnection> {
    const connectOptions: ConnectionOptions = {
      servers: options.servers,
      name: options.name,
      timeout: options.connectTimeoutMs,
      maxReconnectAttempts: options.maxReconnectAttempts,
      reconnectTimeWait: options.reconnectTimeWaitMs,
      inboxPrefix: options.inboxPrefix,
      // The default records an async stack trace per request, halving publish throughput.
      noAsyncTraces: true,
    };
    let user: string | undefined;
    if (options.credsFile) {
      let creds: string;
      try {
        creds = readFileSync(options.credsFile, 'utf8');
      } catch (e) {
        throw new JetbusConfigError('credsFile', `cannot read ${options.credsFile}: ${(e as Error).message}`);
      }
      connectOptions.authenticator = credsAuthenticator(new TextEncoder().encode(creds));
      user = userNameFromCreds(creds);
    } else if (options.authenticator) {
      connectOptions.authenticator = options.authenticator;
    }
    if (options.tls) connectOptions.tls = { ...options.tls };

    let nc: NatsConnection;
    try {
      nc = await connect(connectOptions);
    } catch (e) {
      throw new ConnectionError(options.servers, (e as Error).message, { cause: e });
    }
    try {
      const jsm = await jetstreamManager(nc);
      return new JetbusConnection(nc, jetstream(nc), jsm, user, logger);
    } catch (e) {
      await nc.close();
      throw new ConnectionError(
        options.servers,
        `JetStream is not available for this account (${(e as Error).message}); start nats-server with -js`,
        { cause: e },
      );
    }
  }

  /** The server's version, e.g. `2.9.10`: features newer servers would silently ignore are refused. */
  get serverVersion(): string {
    return this.nc.info?.version ?? '0.0.0';
  }

  /** The largest message the server accepts, in bytes. */
  get maxPayload(): number {
    return this.nc.info?.max_payload ?? 1024 * 1024;
  }

  /** False between a disconnect and the reconnect that follows it. */
  get isConnected(): boolean {
    return this.connected && !this.nc.isClosed();
  }

  /** Resolves true as soon as the connection is up, false if it is still down after `timeoutMs`. */
  async waitConnected(timeoutMs: number): Promise<boolean> {
    if (this.isConnected) return true;
    if (this.nc.isClosed()) return false;
    let timer: NodeJS.Timeout | undefined;
    const up = await Promise.race([
      new Promise<true>((resolve) => this.reconnectWaiters.push(() => resolve(true))),
      new Promise<false>((resolve) => (timer = setTimeout(resolve, timeoutMs, false))),
    ]);
    clearTimeout(timer);
    return up;
  }

  private async watchStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      switch (s.type) {
        case 'disconnect':
          this.connected = false;
          this.logger.warn({ server: s.server }, 'NATS connection lost; reconnecting');
          break;
        case 'reconnect':
          this.connected = true;
          for (const wake of this.reconnectWaiters.splice(0)) wake();
          this.logger.info({ server: s.server }, 'NATS connection restored');
          break;
        case 'error':
          this.logger.error({ err: s.error }, 'NATS connection error');
          break;
        default:
          break;
      }
    }
  }

  /** Drains, bounded; then closes. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.nc.isClosed()) return;
      const timer = new Promise<'timeout'>((r) => setTimeout(r, DRAIN_TIMEOUT_MS, 'timeout').unref());
      const result = await Promise.race([this.nc.drain().then(() => 'drained' as const), timer]).catch(
        () => 'failed' as const,
      );
      if (result !== 'drained') await this.nc.close().catch(() => undefined);
    })();
    return this.closing;
  }
}
