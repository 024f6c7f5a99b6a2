import { type NatsConnection } from '@nats-io/transport-node';
import { sameClaims } from '../compiler/same-claims';
import { type AccountChange, AccountChangeKinds } from '../diff/diff-accounts';
import { ClaimsUpdateError } from '../errors/claims-update.error';
import { type ClaimsUpdateResult } from './claims-update-reply';
import { fetchAccountJwts, pushAccount, type PushOptions } from './push-account';

export interface PushChangesOptions extends PushOptions {
  /** Public key of the system account: it is pushed last. */
  systemAccount: string;
  /**
   * Opens a new system connection with the given creds. Needed when the system account's push
   * revokes a system user key, which may be the one `nc` is connected with (a rotation of the
   * system user): the push is then verified over a connection as the new user.
   */
  reconnect?: (creds: Uint8Array) => Promise<NatsConnection>;
  /** Checked before each push: once aborted, nothing more is pushed. */
  signal?: AbortSignal;
  /** The system user's creds as just compiled (its new key after a rotation). */
  systemCreds?: () => Promise<Uint8Array>;
}

/**
 * Pushes every account that is not `unchanged`, the system account last: its push may revoke the
 * very user `nc` is connected as, and the server then closes `nc` (the reply may never arrive).
 * That loss is expected; the push is verified instead by connecting as the new system user and
 * reading the account JWT back.
 */
export async function pushChanges(
  nc: NatsConnection,
  changes: readonly AccountChange[],
  options: PushChangesOptions,
): Promise<ClaimsUpdateResult[]> {
  const pending = changes.filter((c) => c.kind !== AccountChangeKinds.Unchanged);
  const ordered = [
    ...pending.filter((c) => c.publicKey !== options.systemAccount),
    ...pending.filter((c) => c.publicKey === options.systemAccount),
  ];
  const results: ClaimsUpdateResult[] = [];
  for (const change of ordered) {
    options.signal?.throwIfAborted();
    if (change.publicKey === options.systemAccount && revokesAKey(change) && options.reconnect) {
      results.push(await pushRevokingOwnUser(nc, change, options));
    } else {
      results.push(await pushAccount(nc, change.jwt, options));
    }
  }
  return results;
}

/** A revocation added by this change: possibly of the key the pushing connection uses. */
function revokesAKey(change: AccountChange): boolean {
  return change.claims.some((c) => c.path.startsWith('revocations.') && c.after !== undefined);
}

async function pushRevokingOwnUser(
  nc: NatsConnection,
  change: AccountChange,
  options: PushChangesOptions,
): Promise<ClaimsUpdateResult> {
  let reply: ClaimsUpdateResult | undefined;
  try {
    reply = await pushAccount(nc, change.jwt, options);
  } catch (e) {
    // The server said no: that is an answer, not a lost connection.
    if (e instanceof ClaimsUpdateError && e.serverCode !== undefined) throw e;
    options.logger?.info(
      { account: change.account },
      'the system account push closed its own connection (rotation); verifying with the new system user',
    );
  }
  if (!options.reconnect || !options.systemCreds) {
    throw new ClaimsUpdateError(change.account, 'cannot verify the push: no way to reconnect');
  }
  const verifier = await options.reconnect(await options.systemCreds());
  try {
    const held = (await fetchAccountJwts(verifier, [change.publicKey], options))[change.publicKey];
    if (!sameClaims(held, change.jwt)) {
      throw new ClaimsUpdateError(
        change.account,
        'the server does not hold the pushed system account JWT (checked as the new system user)',
      );
    }
  } finally {
    await verifier.close().catch(() => undefined);
  }
  return reply ?? { account: change.publicKey, message: 'jwt updated (verified as the new system user)' };
}
