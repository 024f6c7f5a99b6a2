import { access } from 'node:fs/promises';
import {
  AuthConnectionError,
  AuthFileError,
  authPaths,
  InvalidOptionError,
  KeyStoreError,
  PolicyValidationError,
  SYSTEM_ACCOUNT_NAME,
  SYSTEM_USER_NAME,
} from '@jetbus/auth';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { connectForCommand, natsConnectionOptions, type ServerCommandOptions } from '../connection.options';
import { closeBounded } from '../with-command-connection';
import { type AuthServerOptions } from './auth-command.options';
import { AuthCommandTimeoutError } from './auth-command-timeout.error';

/** Added to the connect phase so that nats.js' own connect timeout, which says why, wins the race. */
const CONNECT_GRACE_MS = 1_000;

/** What an auth command gets to talk to the server: nothing when it runs offline. */
export interface SystemSession {
  /** Connected as the system user; undefined without `--server`. */
  connection?: NatsConnection;
  /** Connects again with other system user creds (verifying a rotation of the system user). */
  reconnect?: (creds: Uint8Array) => Promise<NatsConnection>;
  /** Aborted at the command's deadline: the library then writes nothing. */
  signal: AbortSignal;
}

/** The system user's creds file: `--creds`, else `<dir>/creds/SYS/sys.creds`. */
export function systemCredsFile(options: AuthServerOptions): string {
  return options.creds ?? authPaths(options.dir).creds(SYSTEM_ACCOUNT_NAME, SYSTEM_USER_NAME);
}

/**
 * Runs `fn` with a connection to `--server` as the system user, or with none when no server is
 * given (offline compile); always closes what it opened. The connect is bounded by `--timeout`
 * (a port that accepts TCP but never speaks NATS included), then the work by `--timeout` again;
 * past it the command fails naming the server and `signal` tells the library not to write.
 */
export async function withSystemConnection<T>(
  options: AuthServerOptions,
  fn: (session: SystemSession) => Promise<T>,
): Promise<T> {
  const abort = new AbortController();
  if (!options.server) return fn({ signal: abort.signal });
  const server = options.server;
  const credsFile = systemCredsFile(options);
  try {
    await access(credsFile);
  } catch {
    throw new Error(`no system account creds at ${credsFile}: run \`jetbus auth init\` or pass --creds`);
  }
  const connectionOptions: ServerCommandOptions = {
    server,
    creds: credsFile,
    timeout: options.timeout,
    ...(options.tlsCa ? { tlsCa: options.tlsCa } : {}),
    ...(options.tlsCert ? { tlsCert: options.tlsCert } : {}),
    ...(options.tlsKey ? { tlsKey: options.tlsKey } : {}),
    ...(options.inboxPrefix ? { inboxPrefix: options.inboxPrefix } : {}),
  };
  const opened: NatsConnection[] = [];
  const reconnect = async (creds: Uint8Array): Promise<NatsConnection> => {
    const base = await natsConnectionOptions({ ...connectionOptions, creds: undefined });
    const nc = await connect({ ...base, authenticator: credsAuthenticator(creds) });
    opened.push(nc);
    return nc;
  };
  let timer: NodeJS.Timeout | undefined;
  let reject!: (e: Error) => void;
  const expired = new Promise<never>((_, r) => (reject = r));
  const arm = (ms: number, phase: 'connect' | 'work'): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const error = new AuthCommandTimeoutError(server, options.timeout, phase);
      abort.abort(error);
      reject(error);
    }, ms);
  };
  arm(options.timeout + CONNECT_GRACE_MS, 'connect');
  try {
    return await Promise.race([
      (async () => {
        const nc = await connectForCommand(connectionOptions);
        if (abort.signal.aborted) {
          // Connected after the deadline: the command already failed and closed what it had.
          void closeBounded(nc);
          throw abort.signal.reason;
        }
        opened.push(nc);
        arm(options.timeout, 'work');
        try {
          return await fn({ connection: nc, reconnect, signal: abort.signal });
        } catch (e) {
          throw aboutServer(e, server);
        }
      })(),
      expired,
    ]);
  } finally {
    clearTimeout(timer);
    if (!abort.signal.aborted) abort.abort(new Error('the command ended'));
    await Promise.all(opened.map(closeBounded));
  }
}

/**
 * Errors of the server conversation (a refused claims request, a permission violation, a closed
 * connection) name the server; local ones (files, keys, the policy) already name their path.
 */
function aboutServer(e: unknown, server: string): unknown {
  const local =
    e instanceof AuthFileError ||
    e instanceof KeyStoreError ||
    e instanceof PolicyValidationError ||
    e instanceof InvalidOptionError ||
    e instanceof AuthConnectionError ||
    e instanceof AuthCommandTimeoutError;
  if (local || !(e instanceof Error)) return e;
  return new AuthConnectionError(server, e.message, { cause: e });
}
