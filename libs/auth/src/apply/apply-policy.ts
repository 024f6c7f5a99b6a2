import { type NatsConnection } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { type AuthPaths, authPaths } from '../artifacts/auth-paths';
import { readPreviousJwts } from '../artifacts/read-previous-jwts';
import { writeArtifacts, type WrittenArtifacts } from '../artifacts/write-artifacts';
import { compilePolicy } from '../compiler/compile-policy';
import { type CompiledPolicy } from '../compiler/compiled-policy.types';
import { sameClaims } from '../compiler/same-claims';
import { type AccountChange, type UserChange, diffAccounts, diffUsers } from '../diff/diff-accounts';
import { KeyStore } from '../keystore/key-store';
import { type AuthPolicy } from '../policy/auth-policy.types';
import { type ClaimsUpdateResult } from '../push/claims-update-reply';
import { fetchAccountJwts } from '../push/push-account';
import { pushChanges } from '../push/push-changes';
import { checkWritableDir, checkWritableFile } from '../files/check-writable';
import { type PolicyEdit, writePolicyEdit } from '../policy/policy-file';
import { SYSTEM_ACCOUNT_NAME, SYSTEM_USER_NAME } from '../policy/policy-defaults';
import { renderServerConfig } from '../server-config/render-server-config';
import { sharedInboxWarnings } from '../compiler/shared-inbox-warnings';
import { fmtCreds } from '@nats-io/jwt';

export interface ApplyOptions {
  policy: AuthPolicy;
  /** The auth directory (keys, jwt, creds, server-auth.conf). */
  dir: string;
  /** @default `KeyStore.open(<dir>/keys, { readOnly: dryRun })` */
  keys?: KeyStore;
  /**
   * A system account connection: changes are computed against the JWTs this server holds and
   * pushed to it. Without one, against the previous compile in `dir`, and nothing is pushed.
   */
  connection?: NatsConnection;
  /**
   * Opens a system connection with the given creds: used only to verify a push that revoked the
   * user `connection` is connected as (rotating the system user closes that connection).
   */
  reconnect?: (creds: Uint8Array) => Promise<NatsConnection>;
  /** Compute the changes only: write nothing, push nothing, create no key on disk. @default false */
  dryRun?: boolean;
  /**
   * The policy file's new text (an added or removed user): written with the artifacts, once
   * compile and push succeeded, so a failure leaves the file as it was.
   */
  policyEdit?: PolicyEdit;
  /** Full resolver directory written into server-auth.conf. @default `<dir>/resolver` */
  resolverDir?: string;
  /** Timeout of each claims request, in milliseconds. @default 5000 */
  timeout?: number;
  /**
   * Once aborted (a caller's deadline passed), nothing more is pushed and nothing is written: the
   * run rejects with the signal's reason.
   */
  signal?: AbortSignal;
  now?: Date;
  logger?: Logger;
}

export interface ApplyResult {
  compiled: CompiledPolicy;
  /** Every account with what changed; pushed ones are those not `unchanged`. */
  changes: AccountChange[];
  /**
   * Users added or changed since the previous compile in `dir` (whatever `comparedWith` says: user
   * JWTs live in creds, not on the server). Their new creds take effect when they connect again.
   */
  userChanges: UserChange[];
  /** What the changes were computed against. */
  comparedWith: 'server' | 'previous';
  /** Server replies of the accounts pushed. */
  pushed: ClaimsUpdateResult[];
  /**
   * The operator JWT changed (new name or signing key): it cannot be pushed, servers must get the
   * new server-auth.conf and restart.
   */
  operatorChanged: boolean;
  paths: AuthPaths;
  /** Undefined on a dry run. */
  written?: WrittenArtifacts;
  /** Risky but valid choices in the policy (users sharing the default inbox), for people. */
  warnings: string[];
}

/**
 * Compiles the policy, compares the account JWTs with what is deployed, pushes the changed accounts
 * (the system account last) and then writes keys, artifacts and the policy edit. Nothing is written
 * before compile and push succeeded, and the target directories are checked first: a failed run
 * leaves the policy, the keys and the auth directory byte-identical. A push that fails halfway
 * leaves the accounts pushed so far on the server; running the command again converges.
 */
export async function applyPolicy(options: ApplyOptions): Promise<ApplyResult> {
  const { policy, dir, connection, dryRun = false, logger, timeout } = options;
  const paths = authPaths(dir);
  // A `--dir` that is a file (or under one, or read-only) fails here, naming it, not halfway.
  if (!dryRun) await checkWritableDir(paths.root);
  const keys =
    options.keys ??
    (await KeyStore.open(paths.keys, { readOnly: dryRun, staged: !dryRun, ...(logger ? { logger } : {}) }));
  const previous = await readPreviousJwts(dir);
  const compiled = await compilePolicy(policy, keys, { previous, now: options.now, logger });
  const warnings = sharedInboxWarnings(policy);
  for (const warning of warnings) logger?.warn(warning);

  let deployed: Record<string, string> = {};
  if (connection) {
    deployed = await fetchAccountJwts(
      connection,
      compiled.accounts.map((a) => a.publicKey),
      { timeout },
    );
  } else {
    for (const a of compiled.accounts) {
      const jwt = previous.accounts?.[a.name];
      if (jwt) deployed[a.publicKey] = jwt;
    }
  }
  const changes = diffAccounts(compiled.accounts, deployed);
  const operatorChanged =
    previous.operator !== undefined && !sameClaims(previous.operator, compiled.operator.jwt);
  const result: ApplyResult = {
    compiled,
    changes,
    userChanges: diffUsers(compiled.users, previous.users ?? {}),
    comparedWith: connection ? 'server' : 'previous',
    pushed: [],
    operatorChanged,
    paths,
    warnings,
  };
  if (dryRun) return result;

  // Everything that can fail before a push, checked before it: a push cannot be taken back.
  // (writeArtifacts renders the config again; this run only refuses an unsafe one early.)
  renderServerConfig(compiled, { resolverDir: options.resolverDir ?? paths.resolver });
  if (options.policyEdit) await checkWritableFile(options.policyEdit.file);

  options.signal?.throwIfAborted();
  if (connection) {
    const system = compiled.users.find(
      (u) => u.account === SYSTEM_ACCOUNT_NAME && u.name === SYSTEM_USER_NAME,
    );
    result.pushed = await pushChanges(connection, changes, {
      systemAccount: compiled.systemAccount.publicKey,
      ...(timeout !== undefined ? { timeout } : {}),
      ...(logger ? { logger } : {}),
      ...(options.reconnect ? { reconnect: options.reconnect } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(system
        ? { systemCreds: async () => fmtCreds(system.jwt, await keys.user(system.account, system.name)) }
        : {}),
    });
  }

  options.signal?.throwIfAborted();
  await keys.commit();
  result.written = await writeArtifacts(compiled, keys, dir, { resolverDir: options.resolverDir });
  if (options.policyEdit) await writePolicyEdit(options.policyEdit);
  if (operatorChanged)
    logger?.warn('operator JWT changed: install the new server-auth.conf and restart the servers');
  return result;
}
