import { readFile } from 'node:fs/promises';
import { PermissionDeniedError } from '@jetbus/core/wire';
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { nodeCredsAuthenticator } from '../crypto/creds-authenticator';
import { JetbusAuthError } from '../errors/jetbus-auth.error';
import { toAuthError } from './to-auth-error';
import { credsIdentity, type UserIdentity } from './user-identity';

export type ConnectUserOptions = Omit<NodeConnectionOptions, 'authenticator'> &
  ({ creds: string | Uint8Array; credsFile?: never } | { credsFile: string; creds?: never });

/** A connection together with the identity its errors are reported under. */
export interface UserConnection {
  nc: NatsConnection;
  identity: UserIdentity;
}

/**
 * Connects with a user's creds. A refused connection rejects with `UserExpiredError` or
 * `AuthorizationError` naming the user instead of nats.js' anonymous errors.
 */
export async function connectUser(options: ConnectUserOptions): Promise<UserConnection> {
  const { creds, credsFile, ...rest } = options;
  const bytes =
    credsFile !== undefined
      ? await readFile(credsFile)
      : typeof creds === 'string'
        ? new TextEncoder().encode(creds)
        : creds;
  const identity = credsIdentity(bytes);
  try {
    const nc = await connect({ ...rest, authenticator: nodeCredsAuthenticator(bytes) });
    return { nc, identity };
  } catch (e) {
    throw toAuthError(e, identity);
  }
}

/** Auth errors the server reports on a live connection (denied publish/subscribe, revocation, expiry), typed. */
export async function* authErrors(
  nc: NatsConnection,
  identity: UserIdentity | string,
): AsyncGenerator<JetbusAuthError | PermissionDeniedError> {
  for await (const status of nc.status()) {
    if (status.type !== 'error') continue;
    const mapped = toAuthError(status.error, identity);
    if (mapped instanceof JetbusAuthError || mapped instanceof PermissionDeniedError) yield mapped;
  }
}

/** Resolves when the connection closes: with the typed reason when the server closed it for auth reasons. */
export async function closedReason(nc: NatsConnection, identity: UserIdentity | string): Promise<unknown> {
  const reason = await nc.closed();
  return reason ? toAuthError(reason, identity) : undefined;
}
