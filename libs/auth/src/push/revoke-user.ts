import { type ApplyOptions, applyPolicy, type ApplyResult } from '../apply/apply-policy';
import { authPaths } from '../artifacts/auth-paths';
import { checkWritableDir } from '../files/check-writable';
import { KeyStore, type RevocationRecord } from '../keystore/key-store';

export interface RevokeUserOptions extends Omit<ApplyOptions, 'dryRun'> {
  account: string;
  user: string;
  /** @default now */
  at?: Date;
}

export interface RevokeUserResult extends ApplyResult {
  revocation: RevocationRecord;
}

/**
 * Revokes a user's key: the key store records it and drops the seed, the account JWT gets the key
 * in its `revocations` (with the time), and, given a system connection, the account is pushed: the
 * server closes the user's live connections at once and refuses new ones, also after a restart
 * (the full resolver stores the JWT).
 *
 * The revocation is kept in the key store, not the policy, so it survives every later compile.
 * Like `applyPolicy`, nothing is written unless compile and push succeed.
 * A user still in the policy is issued a fresh key and creds (a rotation); remove it from the
 * policy to cut it off for good.
 */
export async function revokeUser(options: RevokeUserOptions): Promise<RevokeUserResult> {
  // A `dir` that cannot be written fails first, naming it (not as "no key" in a missing store).
  if (!options.keys) await checkWritableDir(authPaths(options.dir).root);
  // Staged: the revocation reaches the disk only once the push (if any) succeeded.
  const keys =
    options.keys ??
    (await KeyStore.open(authPaths(options.dir).keys, {
      staged: true,
      ...(options.logger ? { logger: options.logger } : {}),
    }));
  const revocation = await keys.revokeUser(
    options.account,
    options.user,
    options.at ?? options.now ?? new Date(),
  );
  const result = await applyPolicy({ ...options, keys });
  return { ...result, revocation };
}
