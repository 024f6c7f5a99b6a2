import { readFile } from 'node:fs/promises';
import { type NatsConnection, connect, credsAuthenticator } from '@nats-io/transport-node';

/** Options every command that talks to a server accepts. */
export interface ServerCommandOptions {
  server: string;
  creds?: string;
  json?: boolean;
}

export const DEFAULT_SERVER = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** Connects for one command: no reconnect, so an unreachable server fails at once with its URL. */
export async function connectForCommand(options: ServerCommandOptions): Promise<NatsConnection> {
  const authenticator = options.creds ? credsAuthenticator(await readFile(options.creds)) : undefined;
  try {
    return await connect({
      servers: options.server,
      authenticator,
      name: 'jetbus-cli',
      reconnect: false,
      timeout: 5_000,
    });
  } catch (e) {
    throw new Error(`cannot connect to ${options.server}: ${(e as Error).message}`, { cause: e });
  }
}
