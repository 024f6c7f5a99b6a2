import { accessSync, constants as fsConstants, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import {
  type ConnectionOptions,
  type NatsConnection,
  connect,
  credsAuthenticator,
} from '@nats-io/transport-node';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type Logger } from 'pino';
import {
  type AuthenticationError,
  AuthenticationFailures,
  ConnectionError,
  JetbusConfigError,
  JetbusError,
  PermissionDeniedError,
} from '../errors';
import {
  type ConnectionErrorContext,
  type ConnectionIdentity,
  mapConnectionError,
  readCredsIdentity,
  type ServerTlsInfo,
  toAuthenticationError,
  toPermissionDeniedError,
} from './map-connection-error';
import { type ConnectionSettings } from './connection-settings';
import { isJetStreamElecting } from './jetstream-api-errors';
import { ELECTION_WAIT_MS, whileElecting } from './while-electing';
import { PubAckInbox } from './pub-ack-inbox';

/** How long close() waits for a drain before it closes hard: drain can hang when the server is gone. */
const DRAIN_TIMEOUT_MS = 5_000;

/** Bound on reading the server's INFO to explain a failed connect. */
const SERVER_INFO_TIMEOUT_MS = 1_000;

/** The JetStream API request nats.js sends first; producers and workers need no permission for it. */
const ACCOUNT_INFO_SUBJECT = '$JS.API.INFO';

const TLS_FILES = ['caFile', 'certFile', 'keyFile'] as const;

/**
 * The connection as the JetStream clients see it: the same connection, except that a request the
 * user's permissions refuse rejects with `PermissionDeniedError` naming user and subject instead of
 * nats.js' anonymous `RequestError`. Every JetStream API call and `js.publish` is a request, so
 * provisioning, consumer lookups, the reaper and dead-letter writes all report refusals typed.
 * `JetbusConnection.nc` stays the untouched connection.
 */
function withTypedPermissionErrors(nc: NatsConnection, user: string | undefined): NatsConnection {
  const request: NatsConnection['request'] = (subject, payload, opts) =>
    nc.request(subject, payload, opts).catch((e: unknown) => {
      throw e instanceof JetbusError ? e : (toPermissionDeniedError(e, user) ?? e);
    });
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(nc, {
    get(target, prop) {
      if (prop === 'request') return request;
      // Getters and methods run against the real connection, never the proxy.
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (!bound.has(prop)) bound.set(prop, (value as (...a: unknown[]) => unknown).bind(target));
      return bound.get(prop);
    },
  });
}

/** One NATS connection per application, with its JetStream client and manager. */
export class JetbusConnection {
  private closing?: Promise<void>;
  private connected = true;
  private reconnectWaiters: ((up: boolean) => void)[] = [];
  private failure?: AuthenticationError;
  /** Where `JetbusClient` publishes jobs: every PubAck comes back on one subscription. */
  readonly pubAcks: PubAckInbox;

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    private readonly identity: ConnectionIdentity,
    private readonly servers: string[],
    private readonly logger: Logger,
    inboxPrefix: string | undefined,
  ) {
    this.pubAcks = new PubAckInbox(nc, inboxPrefix);
    void this.watchStatus();
    void this.watchClose();
  }

  static async open(options: ConnectionSettings, logger: Logger): Promise<JetbusConnection> {
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
    let identity: ConnectionIdentity = { user: undefined, expires: undefined };
    if (options.credsFile) {
      let creds: string;
      try {
        creds = readFileSync(options.credsFile, 'utf8');
      } catch (e) {
        throw new JetbusConfigError('credsFile', `cannot read ${options.credsFile}: ${(e as Error).message}`);
      }
      connectOptions.authenticator = credsAuthenticator(new TextEncoder().encode(creds));
      identity = readCredsIdentity(creds);
    } else if (options.authenticator) {
      connectOptions.authenticator = options.authenticator;
    }
    if (options.tls) {
      // nats.js reads these only once TCP is up, and then reports a bare ENOENT as a connect failure.
      for (const key of TLS_FILES) {
        const file = options.tls[key];
        if (file === undefined) continue;
        try {
          accessSync(file, fsConstants.R_OK);
        } catch (e) {
          throw new JetbusConfigError(`tls.${key}`, `cannot read ${file}: ${(e as Error).message}`);
        }
      }
      connectOptions.tls = { ...options.tls };
    }
    // nats.js drops the scheme of a `tls://` URL and would go on in plain text with a server that
    // offers no TLS; a `tls` option makes it refuse ("server does not support 'tls'").
    const tlsUrl = options.servers.some((s) => /^tls:\/\//i.test(s.trim()));
    if (tlsUrl) connectOptions.tls ??= {};
    const context: ConnectionErrorContext = { servers: options.servers, ...identity, tlsUrl };

    let nc: NatsConnection;
    try {
      nc = await connect(connectOptions);
    } catch (e) {
      const clientCertificate = Boolean(options.tls?.certFile ?? options.tls?.cert);
      // An mTLS refusal often reaches nats.js as a reset or a timeout; the server's INFO tells.
      const serverInfo = toAuthenticationError(e, context)
        ? undefined
        : await JetbusConnection.readServerInfo(options.servers[0], SERVER_INFO_TIMEOUT_MS);
      throw mapConnectionError(e, { ...context, clientCertificate, serverInfo });
    }
    const api = withTypedPermissionErrors(nc, identity.user);
    let jsm: JetStreamManager;
    try {
      // In a cluster electing its meta leader (a node just died, or the cluster is starting) nobody
      // answers yet: wait for the leader rather than fail a worker that starts then.
      jsm = await whileElecting('JetStream account info', () => jetstreamManager(api), logger);
    } catch (e) {
      if (e instanceof PermissionDeniedError && e.subject === ACCOUNT_INFO_SUBJECT) {
        // A least-privilege producer or worker may not read account info; the check that JetStream
        // is on is a courtesy, and the first real API call will say so if it is not.
        jsm = await jetstreamManager(api, { checkAPI: false });
      } else {
        await nc.close().catch(() => undefined);
        throw JetbusConnection.jetStreamUnavailable(e, options, identity.user);
      }
    }
    return new JetbusConnection(
      nc,
      jetstream(api),
      jsm,
      identity,
      options.servers,
      logger,
      options.inboxPrefix,
    );
  }

  /**
   * The INFO line a NATS server sends in plain text on connect (before any TLS), or undefined when
   * none arrives within `timeoutMs`. Read only to explain a failed connect.
   */
  private static readServerInfo(server: string, timeoutMs: number): Promise<ServerTlsInfo | undefined> {
    let url: URL;
    try {
      url = new URL(server.includes('://') ? server : `nats://${server}`);
    } catch {
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => {
      let buffered = '';
      const socket = createConnection({ host: url.hostname, port: Number(url.port || 4222) });
      const finish = (info: ServerTlsInfo | undefined) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(info);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      socket.on('error', () => finish(undefined));
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const end = buffered.indexOf('\r\n');
        if (end < 0) return;
        const line = buffered.slice(0, end);
        try {
          finish(line.startsWith('INFO ') ? (JSON.parse(line.slice(5)) as ServerTlsInfo) : undefined);
        } catch {
          finish(undefined);
        }
      });
    });
  }

  private static jetStreamUnavailable(
    e: unknown,
    options: ConnectionSettings,
    user: string | undefined,
  ): JetbusError {
    if (e instanceof PermissionDeniedError) {
      const inbox = `${options.inboxPrefix ?? '_INBOX'}.`;
      if (e.operation === 'subscribe' && e.subject.startsWith(inbox)) {
        return new JetbusConfigError(
          'inboxPrefix',
          `user ${user ?? '(unknown)'} may not receive replies on "${e.subject}": connect with the ` +
            `inboxPrefix its permissions allow (e.g. _INBOX_${user ?? '<user>'})`,
        );
      }
      return e;
    }
    if (isJetStreamElecting(e)) {
      return new ConnectionError(
        options.servers,
        `JetStream did not answer within ${ELECTION_WAIT_MS / 1000}s (${(e as Error).message}): ` +
          'in a cluster, is a majority of the nodes up and do they agree on a leader?',
        { cause: e },
      );
    }
    return new ConnectionError(
      options.servers,
      `JetStream is not available for this account (${(e as Error).message}); start nats-server with -js`,
      { cause: e },
    );
  }

  /**
   * Whether the server this connection is on belongs to a cluster (its INFO names one): there a
   * publish that finds no responders may be meeting a leader election rather than a missing stream.
   */
  get clustered(): boolean {
    return Boolean(this.nc.info?.cluster);
  }

  /** The authenticated user's name (from the creds JWT), used in permission errors. */
  get user(): string | undefined {
    return this.identity.user;
  }

  /** Why the server dropped this connection for good (revoked, expired, refused on reconnect), if it did. */
  get authFailure(): AuthenticationError | undefined {
    return this.failure;
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

  /** Resolves true as soon as the connection is up, false if it is still down after `timeoutMs` or closes. */
  async waitConnected(timeoutMs: number): Promise<boolean> {
    if (this.isConnected) return true;
    if (this.nc.isClosed()) return false;
    let timer: NodeJS.Timeout | undefined;
    const up = await Promise.race([
      new Promise<boolean>((resolve) => this.reconnectWaiters.push(resolve)),
      new Promise<false>((resolve) => (timer = setTimeout(resolve, timeoutMs, false))),
    ]);
    clearTimeout(timer);
    return up;
  }

  private get errorContext(): ConnectionErrorContext {
    return { servers: this.servers, ...this.identity };
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
          for (const wake of this.reconnectWaiters.splice(0)) wake(true);
          this.logger.info({ server: s.server }, 'NATS connection restored');
          break;
        case 'error':
          this.reportServerError(s.error);
          break;
        default:
          break;
      }
    }
  }

  private reportServerError(error: unknown): void {
    const auth = toAuthenticationError(error, this.errorContext);
    if (auth) {
      // A revoked user is refused with "Authorization Violation" on every reconnect that follows:
      // the first reason is the one worth keeping.
      if (this.failure?.reason !== AuthenticationFailures.Revoked) this.failure = auth;
      this.logger.error({ err: auth, user: auth.user, reason: auth.reason }, auth.message);
      return;
    }
    const denied = toPermissionDeniedError(error, this.identity.user);
    if (denied) {
      // A refused job publish is waiting for its PubAck: it rejects with this refusal.
      if (denied.operation === 'publish') this.pubAcks.refused(error as Error & { subject?: string });
      // The operation that was refused rejects with this error too; here it is one line, for the
      // record (a refusal is least privilege working, not a fault of this process).
      this.logger.warn(
        { user: denied.user, operation: denied.operation, subject: denied.subject },
        denied.message,
      );
      return;
    }
    this.logger.error({ err: error }, 'NATS connection error');
  }

  /** A connection the server closed for good (not by close()) is logged with the reason. */
  private async watchClose(): Promise<void> {
    const reason = await this.nc.closed();
    this.connected = false;
    for (const wake of this.reconnectWaiters.splice(0)) wake(false);
    if (this.closing) return;
    const err =
      this.failure ?? (reason ? toAuthenticationError(reason, this.errorContext) : undefined) ?? reason;
    if (!err) {
      this.logger.warn({ user: this.identity.user }, 'NATS connection closed; not reconnecting');
      return;
    }
    this.logger.error(
      { err, user: this.identity.user, ...(err instanceof JetbusError ? { code: err.code } : {}) },
      `NATS connection closed for good: ${(err as Error).message ?? String(err)}`,
    );
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
