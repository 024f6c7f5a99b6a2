import { decodeJwt } from '../crypto/decode-jwt';
import { type NatsConnection } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { ClaimsUpdateError } from '../errors/claims-update.error';
import { type ClaimsUpdateResult, parseClaimsUpdateReply } from './claims-update-reply';

/** How long to wait for the server's answer to a claims request, in milliseconds. */
export const DEFAULT_CLAIMS_TIMEOUT = 5_000;

export interface PushOptions {
  /** @default 5000 */
  timeout?: number;
  logger?: Logger;
}

/**
 * Sends an account JWT to a running server through the system account (`nc` must be connected as
 * a system account user): `$SYS.REQ.CLAIMS.UPDATE` with the JWT as payload. The full resolver
 * stores it and applies it at once: new accounts become usable, changed limits and permissions
 * take effect, connections of revoked users are closed. In a cluster the servers share it.
 */
export async function pushAccount(
  nc: NatsConnection,
  jwt: string,
  options: PushOptions = {},
): Promise<ClaimsUpdateResult> {
  const claims = decodeJwt(jwt);
  const account = claims.sub;
  let text: string;
  try {
    const reply = await nc.request('$SYS.REQ.CLAIMS.UPDATE', jwt, {
      timeout: options.timeout ?? DEFAULT_CLAIMS_TIMEOUT,
    });
    text = reply.string();
  } catch (e) {
    throw new ClaimsUpdateError(
      account,
      `no answer from the server (${(e as Error).message}); is this a system account user?`,
      undefined,
      {
        cause: e,
      },
    );
  }
  const result = parseClaimsUpdateReply(text, account);
  options.logger?.info({ account, name: claims.name, server: result.server }, 'account pushed');
  return result;
}

/**
 * The account JWTs a server's full resolver holds, for the given account public keys (absent ones
 * are left out): `$SYS.REQ.CLAIMS.LIST`, then `$SYS.REQ.ACCOUNT.<id>.CLAIMS.LOOKUP` for each.
 */
export async function fetchAccountJwts(
  nc: NatsConnection,
  publicKeys: readonly string[],
  options: PushOptions = {},
): Promise<Record<string, string>> {
  const timeout = options.timeout ?? DEFAULT_CLAIMS_TIMEOUT;
  const request = async (subject: string): Promise<string> => {
    try {
      return (await nc.request(subject, '', { timeout })).string();
    } catch (e) {
      throw new ClaimsUpdateError(
        '*',
        `no answer to ${subject} (${(e as Error).message}); is this a system account user?`,
        undefined,
        { cause: e },
      );
    }
  };
  let listed: { data?: string[]; error?: { description?: string } };
  try {
    listed = JSON.parse(await request('$SYS.REQ.CLAIMS.LIST')) as typeof listed;
  } catch (e) {
    if (e instanceof ClaimsUpdateError) throw e;
    throw new ClaimsUpdateError('*', 'unreadable answer to $SYS.REQ.CLAIMS.LIST', undefined, { cause: e });
  }
  if (!listed.data)
    throw new ClaimsUpdateError(
      '*',
      listed.error?.description ?? 'cannot list accounts (is the resolver "full"?)',
    );
  const present = new Set(listed.data);
  const out: Record<string, string> = {};
  for (const key of publicKeys) {
    if (!present.has(key)) continue;
    const reply = (await request(`$SYS.REQ.ACCOUNT.${key}.CLAIMS.LOOKUP`)).trim();
    if (reply.split('.').length === 3) out[key] = reply;
  }
  return out;
}
