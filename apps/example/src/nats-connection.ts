import { join } from 'node:path';

/** Where and as whom a process of the example connects. */
export interface NatsConnectionSettings {
  servers: string | string[];
  /** A `.creds` file from `jetbus auth`; none on a server without auth. */
  credsFile?: string;
  /** The reply prefix the user's permissions allow (`_INBOX_<user>` in jetbus-auth.yaml). */
  inboxPrefix?: string;
  /**
   * Replicas of the example's streams and of the dead-letter stream: 3 on the 3-node cluster of
   * docker-compose.yml (`JETBUS_STREAM_REPLICAS`). @default 1
   */
  replicas?: number;
  /**
   * How long a publish waits for its PubAck, riding out a stream leader election on a cluster (a
   * leader killed -9 took 5-9 s to replace in the fault tests): give more than that there.
   * @default JetbusModule's publishTimeout (5 s)
   */
  publishTimeout?: string;
}

/** The example's users in apps/example/jetbus-auth.yaml (account APP). */
export type ExampleUser = 'producer' | 'orders' | 'admin';

const DEFAULT_URL = 'nats://127.0.0.1:4222';

/** `NATS_URL`: one URL, or a comma-separated list of a cluster's nodes. */
function serversFromEnv(env: NodeJS.ProcessEnv): string | string[] {
  const urls = (env.NATS_URL || DEFAULT_URL)
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  return urls.length === 1 ? urls[0] : urls;
}

/** `JETBUS_STREAM_REPLICAS` (1 to 5); unset means 1, anything else stops the process with its reason. */
function replicasFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.JETBUS_STREAM_REPLICAS;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 5)
    throw new RangeError(`JETBUS_STREAM_REPLICAS must be an integer from 1 to 5, got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * A worker's connection from the environment: `NATS_URL` (comma-separated for a cluster),
 * `NATS_CREDS`, `NATS_INBOX_PREFIX`, `JETBUS_STREAM_REPLICAS`.
 */
export function connectionFromEnv(env: NodeJS.ProcessEnv = process.env): NatsConnectionSettings {
  return {
    servers: serversFromEnv(env),
    credsFile: env.NATS_CREDS || undefined,
    inboxPrefix: env.NATS_INBOX_PREFIX || undefined,
    replicas: replicasFromEnv(env),
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
    servers: serversFromEnv(env),
    credsFile: join(dir, 'creds', 'APP', `${user}.creds`),
    inboxPrefix: `_INBOX_${user}`,
    replicas: replicasFromEnv(env),
  };
}
