import { access } from 'node:fs/promises';
import { authPaths, connectUser, SYSTEM_ACCOUNT_NAME, SYSTEM_USER_NAME } from '@jetbus/auth';
import { type NatsConnection } from '@nats-io/transport-node';
import { type AuthServerOptions } from './auth-command.options';

/**
 * Runs `fn` with a connection to `--server` as the system user (`<dir>/creds/SYS/sys.creds` unless
 * `--creds`), or with none when no server is given; always closes it.
 */
export async function withSystemConnection<T>(
  options: AuthServerOptions,
  fn: (nc: NatsConnection | undefined) => Promise<T>,
): Promise<T> {
  if (!options.server) return fn(undefined);
  const credsFile = options.creds ?? authPaths(options.dir).creds(SYSTEM_ACCOUNT_NAME, SYSTEM_USER_NAME);
  try {
    await access(credsFile);
  } catch {
    throw new Error(`no system account creds at ${credsFile}: run \`jetbus auth init\` or pass --creds`);
  }
  const { nc } = await connectUser({
    servers: options.server,
    credsFile,
    timeout: options.timeout,
    reconnect: false,
    name: 'jetbus-auth',
  });
  try {
    return await fn(nc);
  } finally {
    await nc.close();
  }
}
