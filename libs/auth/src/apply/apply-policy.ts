import { type NatsConnection } from '@nats-io/transport-node';
import { type Logger } from 'pino';
import { type AuthPaths, authPaths } from '../artifacts/auth-paths';
import { readPreviousJwts } from '../artifacts/read-previous-jwts';
import { writeArtifacts, type WrittenArtifacts } from '../artifacts/write-artifacts';
import { compilePolicy } from '../compiler/compile-policy';
import { type CompiledPolicy } from '../compiler/compiled-policy.types';
import { sameClaims } from '../compiler/same-claims';
import { type AccountChange, AccountChangeKinds, diffAccounts } from '../diff/diff-accounts';
import { KeyStore } from '../keystore/key-store';
import { type AuthPolicy } from '../policy/auth-policy.types';
import { type ClaimsUpdateResult } from '../push/claims-update-reply';
import { fetchAccountJwts, pushAccount } from '../push/push-account';

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
  /** Compute the changes only: write nothing, push nothing, create no key on disk. @default false */
  dryRun?: boolean;
  /** Full resolver directory written into server-auth.conf. @default `<dir>/resolver` */
  resolverDir?: string;
  /** Timeout of each claims request, in milliseconds. @default 5000 */
  timeout?: number;
  now?: Date;
  logger?: Logger;
}

export interface ApplyResult {
  compiled: CompiledPolicy;
  /** Every account with what changed; pushed ones are those not `unchanged`. */
  changes: AccountChange[];
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
}

/**
 * Compiles the policy, compares the account JWTs with what is deployed, writes the artifacts and
 * pushes the changed accounts. The artifacts are written before pushing, so a server restarted
 * after a failed push still comes up with the new JWTs (server-auth.conf preloads them).
 */
export async function applyPolicy(options: ApplyOptions): Promise<ApplyResult> {
  const { policy, dir, connection, dryRun = false, logger, timeout } = options;
  const paths = authPaths(dir);
  const keys = options.keys ?? (await KeyStore.open(paths.keys, { readOnly: dryRun, logger }));
  const previous = await readPreviousJwts(dir);
  const compiled = await compilePolicy(policy, keys, { previous, now: options.now, logger });

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
    comparedWith: connection ? 'server' : 'previous',
    pushed: [],
    operatorChanged,
    paths,
  };
  if (dryRun) return result;

  result.written = await writeArtifacts(compiled, keys, dir, { resolverDir: options.resolverDir });
  if (connection) {
    for (const change of changes) {
      if (change.kind === AccountChangeKinds.Unchanged) continue;
      result.pushed.push(await pushAccount(connection, change.jwt, { timeout, logger }));
    }
  }
  if (operatorChanged)
    logger?.warn('operator JWT changed: install the new server-auth.conf and restart the servers');
  return result;
}
