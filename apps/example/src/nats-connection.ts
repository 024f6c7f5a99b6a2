import { join } from 'node:path';

/** Where and as whom a process of the example connects. */
export interface NatsConnectionSettings {
  servers: string | string[];
  /** A `.creds` file from `jetbus auth`; none on a server without auth. */
  credsFile?: string;
  /** The reply prefix the user's permissions allow (`_INBOX_<user>` in jetbus-auth.yaml). */
  inboxPrefix?: string;
}

/** The example's users in apps/example/jetbus-auth.yaml (account APP). */
export type ExampleUser = 'producer' | 'orders' | 'admin';

const DEFAULT_URL = 'nats://127.0.0.1:4222';

/** A worker's connection from the environment: `NATS_URL`, `NATS_CREDS`, `NATS_INBOX_PREFIX`. */
export function connectionFromEnv(env: NodeJS.ProcessEnv = process.env): NatsConnectionSettings {
  return {
    servers: env.NATS_URL || DEFAULT_URL,
    credsFile: env.NATS_CREDS || undefined,
    inboxPrefix: env.NATS_INBOX_PREFIX || undefined,
  };
}

/**
 * The connection of one example user. With `JETBUS_AUTH_DIR` (the `jetbus auth` output dir, set by
 * scripts/demo.sh) each role gets its own creds and inbox prefix; without it every role shares the
 * environment's connection, as on a dev server without auth.
 */
export function connectionAs(
  user: ExampleUser,
  env: NodeJS.ProcessEnv = process.env,
): NatsConnectionSettings {
  const dir = env.JETBUS_AUTH_DIR;
  if (!dir) return connectionFromEnv(env);
  return {
    servers: env.NATS_URL || DEFAULT_URL,
    credsFile: join(dir, 'creds', 'APP', `${user}.creds`),
    inboxPrefix: `_INBOX_${user}`,
  };
}
