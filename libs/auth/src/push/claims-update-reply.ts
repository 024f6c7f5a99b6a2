import { ClaimsUpdateError } from '../errors/claims-update.error';

/** A server's acceptance of an account JWT. */
export interface ClaimsUpdateResult {
  account: string;
  /** e.g. "jwt updated". */
  message: string;
  /** Name of the server that answered. */
  server?: string;
}

interface Reply {
  data?: { account?: string; code?: number; message?: string };
  error?: { account?: string; code?: number; description?: string };
  server?: { name?: string };
}

/**
 * Parses the reply to `$SYS.REQ.CLAIMS.UPDATE`: `{"data":{"account","code":200,"message"}}` on
 * success, `{"error":{"account","code","description"}}` otherwise (throws `ClaimsUpdateError`).
 */
export function parseClaimsUpdateReply(text: string, account: string): ClaimsUpdateResult {
  let reply: Reply;
  try {
    reply = JSON.parse(text) as Reply;
  } catch (e) {
    throw new ClaimsUpdateError(account, `unreadable reply: ${text.slice(0, 200)}`, undefined, { cause: e });
  }
  if (reply.error) {
    throw new ClaimsUpdateError(
      reply.error.account ?? account,
      reply.error.description ?? 'unknown error',
      reply.error.code,
    );
  }
  if (!reply.data) throw new ClaimsUpdateError(account, `unexpected reply: ${text.slice(0, 200)}`);
  const result: ClaimsUpdateResult = {
    account: reply.data.account ?? account,
    message: reply.data.message ?? '',
  };
  if (reply.server?.name) result.server = reply.server.name;
  return result;
}
