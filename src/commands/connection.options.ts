// Only types from commander: it is an ES module that Jest's CommonJS runtime cannot load, and the
// caller hands us its command anyway.
import { type Command } from 'commander';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { type Socket } from 'node:net';
import {
  type ConnectionOptions,
  type NatsConnection,
  type TlsOptions,
  connect,
  credsAuthenticator,
} from '@nats-io/transport-node';
import { ConnectionError } from '@jetbus/core/ops';
import { describeConnectError } from './describe-connect-error';
import { readCredsFile, readTlsFiles } from './read-connection-files';
import { UsageError } from './usage.error';

/** Server when neither `--server` nor `$NATS_URL` gives one. */
export const DEFAULT_SERVER_URL = 'nats://127.0.0.1:4222';
/** Connect timeout and overall command deadline, in milliseconds, unless `--timeout` says otherwise. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;
/** The name a CLI connection shows in the server's monitoring (`connz`). */
export const CLI_CONNECTION_NAME = 'jetbus-cli';

/** Options every command that talks to a server accepts (as `addConnectionOptions` parses them). */
export interface ServerCommandOptions {
  /** One URL, or several separated by commas. `tls://` requires TLS. @default $NATS_URL, else nats://127.0.0.1:4222 */
  server: string;
  /** User credentials (.creds). @default $NATS_CREDS */
  creds?: string;
  /** PEM CA bundle that signs the server's certificate. @default $NATS_TLS_CA */
  tlsCa?: string;
  /** PEM client certificate for mutual TLS. @default $NATS_TLS_CERT */
  tlsCert?: string;
  /** PEM key of `tlsCert`. @default $NATS_TLS_KEY */
  tlsKey?: string;
  /** Reply subject prefix a least-privilege user is allowed (`_INBOX_<user>`). @default $NATS_INBOX_PREFIX, else _INBOX */
  inboxPrefix?: string;
  /** Connect timeout and overall command deadline, in milliseconds. @default 5000 */
  timeout: number;
  json?: boolean;
}

/** An environment variable, or undefined when unset or empty (an empty `NATS_CREDS=` means none). */
const env = (name: string): string | undefined => process.env[name] || undefined;

/**
 * Adds the connection options to `cmd`: `--server`, `--creds`, `--tls-ca/--tls-cert/--tls-key`,
 * `--inbox-prefix`, `--timeout`, with their environment defaults read now (not at import, so tests
 * can set them). Pass `{ server: undefined }` for a command where no server means "work offline".
 */
export function addConnectionOptions(
  cmd: Command,
  defaults: { server?: string | undefined; credsHelp?: string } = {},
): Command {
  const server = 'server' in defaults ? defaults.server : (env('NATS_URL') ?? DEFAULT_SERVER_URL);
  return cmd
    .option(
      '-s, --server <url>',
      'NATS server URL, nats:// or tls:// (env NATS_URL)',
      parseServerOption,
      server,
    )
    .option(
      '--creds <file>',
      defaults.credsHelp ?? 'user credentials (.creds) (env NATS_CREDS)',
      env('NATS_CREDS'),
    )
    .option(
      '--tls-ca <file>',
      'PEM CA that signs the server certificate (env NATS_TLS_CA)',
      env('NATS_TLS_CA'),
    )
    .option(
      '--tls-cert <file>',
      'PEM client certificate, mutual TLS (env NATS_TLS_CERT)',
      env('NATS_TLS_CERT'),
    )
    .option('--tls-key <file>', 'PEM key of --tls-cert (env NATS_TLS_KEY)', env('NATS_TLS_KEY'))
    .option(
      '--inbox-prefix <prefix>',
      'reply subject prefix your user may subscribe to, e.g. _INBOX_admin (env NATS_INBOX_PREFIX)',
      parseInboxPrefix,
      env('NATS_INBOX_PREFIX'),
    )
    .option(
      '--timeout <ms>',
      'connect timeout, and the longest the command waits on the server, in milliseconds',
      parseTimeoutOption,
      DEFAULT_COMMAND_TIMEOUT_MS,
    );
}

/** `--server`: one or more comma-separated `nats://` / `tls://` URLs (or bare `host:port`). */
export function parseServerOption(value: string): string {
  const urls = value.split(',').map((s) => s.trim());
  for (const url of urls) {
    if (!isServerUrl(url))
      throw new UsageError(
        `--server must be a nats:// or tls:// URL such as nats://127.0.0.1:4222, got "${value}"`,
      );
  }
  return urls.join(',');
}

function isServerUrl(value: string): boolean {
  if (value === '' || /\s/.test(value)) return false;
  const withScheme = value.includes('://') ? value : `nats://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return false;
  }
  if (url.protocol !== 'nats:' && url.protocol !== 'tls:') return false;
  if (url.hostname === '' || (url.pathname !== '' && url.pathname !== '/') || url.search || url.hash)
    return false;
  return url.port === '' || (Number(url.port) > 0 && Number(url.port) < 65_536);
}

/** `--timeout`: a positive whole number of milliseconds (at most a day: more is a typo). */
export function parseTimeoutOption(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0 || n > 86_400_000)
    throw new UsageError(`--timeout must be a positive number of milliseconds, got "${value}"`);
  return n;
}

/** `--inbox-prefix`: subject tokens without wildcards or spaces, e.g. `_INBOX_admin`. */
export function parseInboxPrefix(value: string): string {
  if (!/^[^\s*>.]+(?:\.[^\s*>.]+)*$/.test(value))
    throw new UsageError(
      `--inbox-prefix must be a subject without wildcards or spaces, e.g. _INBOX_admin, got "${value}"`,
    );
  return value;
}

/** True when any of the servers is a `tls://` URL: TLS is then required, never optional. */
export const requiresTls = (server: string): boolean =>
  server.split(',').some((s) => s.trim().toLowerCase().startsWith('tls://'));

/**
 * The nats.js options for one command: the creds and TLS files read (each failure one line naming
 * the path), no reconnect, and TLS demanded when the URL says `tls://`.
 */
export async function natsConnectionOptions(options: ServerCommandOptions): Promise<ConnectionOptions> {
  const server = parseServerOption(options.server);
  const timeout = parseTimeoutOption(String(options.timeout));
  const connectOptions: ConnectionOptions = {
    servers: server.split(','),
    name: CLI_CONNECTION_NAME,
    reconnect: false,
    timeout,
  };
  if (options.inboxPrefix !== undefined) connectOptions.inboxPrefix = parseInboxPrefix(options.inboxPrefix);
  if (options.creds) connectOptions.authenticator = credsAuthenticator(await readCredsFile(options.creds));
  const tls: TlsOptions = await readTlsFiles(options);
  // nats.js drops the scheme of `tls://` and would go on in plain text; a `tls` option makes it
  // refuse a server that does not offer TLS ("server does not support 'tls'").
  if (requiresTls(server) || Object.keys(tls).length) connectOptions.tls = tls;
  return connectOptions;
}

/**
 * Connects for one command, or rejects with a `ConnectionError` naming the URL. nats.js 3.4 leaves
 * the socket of a failed attempt open when the server never sent its INFO (a port that accepts TCP
 * but does not speak NATS): its transport ignores close() until it has connected. That socket would
 * keep the process alive, so every client socket opened during the attempt is destroyed on failure.
 */
export async function connectForCommand(options: ServerCommandOptions): Promise<NatsConnection> {
  const connectOptions = await natsConnectionOptions(options);
  const sockets: Socket[] = [];
  const opened = (message: unknown) => {
    const { socket } = message as { socket?: Socket };
    if (socket) sockets.push(socket);
  };
  subscribe('net.client.socket', opened);
  try {
    return await connect(connectOptions);
  } catch (e) {
    for (const socket of sockets) socket.destroy();
    throw new ConnectionError(
      connectOptions.servers as string[],
      describeConnectError(e, { timeoutMs: connectOptions.timeout ?? DEFAULT_COMMAND_TIMEOUT_MS }),
      { cause: e },
    );
  } finally {
    unsubscribe('net.client.socket', opened);
  }
}
