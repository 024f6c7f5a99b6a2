import { type CompiledAccount } from '../compiler/compiled-policy.types';
import { stableClaims } from '../compiler/same-claims';

export const AccountChangeKinds = {
  /** Not on the server (or in the previous compile) yet. */
  Added: 'added',
  Changed: 'changed',
  Unchanged: 'unchanged',
  /** Left the policy: its tombstone is not deployed yet. */
  Removed: 'removed',
} as const;

export type AccountChangeKind = (typeof AccountChangeKinds)[keyof typeof AccountChangeKinds];

/** One claim that differs, by its path under the JWT (`limits.conn`, `revocations.UABC…`). */
export interface ClaimChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface AccountChange {
  account: string;
  publicKey: string;
  kind: AccountChangeKind;
  /** For `changed`: what differs. Empty otherwise. */
  claims: ClaimChange[];
  /** The JWT to push. */
  jwt: string;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walk(before: unknown, after: unknown, path: string, out: ClaimChange[]): void {
  // A map that appears or disappears (revocations, limits) is reported key by key.
  if (isPlainObject(before) && after === undefined) after = {};
  if (isPlainObject(after) && before === undefined) before = {};
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      walk(before[key], after[key], path ? `${path}.${key}` : key, out);
    }
    return;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  const change: ClaimChange = { path };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  out.push(change);
}

/** Differences between two account JWTs' claims, ignoring `iat` and `jti`; the `nats.` prefix is dropped. */
export function diffClaims(before: string, after: string): ClaimChange[] {
  const a = stableClaims(before);
  const b = stableClaims(after);
  const out: ClaimChange[] = [];
  walk({ ...a, nats: undefined }, { ...b, nats: undefined }, '', out);
  walk(a.nats, b.nats, '', out);
  return out;
}

/**
 * Compares compiled accounts with deployed JWTs (by account public key: what a server holds, or
 * a previous compile). Only claims count, not signing time, so recompiling an unchanged policy
 * yields no change.
 */
export function diffAccounts(
  compiled: readonly CompiledAccount[],
  deployed: Readonly<Record<string, string>>,
): AccountChange[] {
  return compiled.map((account) => {
    const base = { account: account.name, publicKey: account.publicKey, jwt: account.jwt };
    const current = deployed[account.publicKey];
    if (current === undefined) {
      return {
        ...base,
        kind: account.removed ? AccountChangeKinds.Unchanged : AccountChangeKinds.Added,
        claims: [],
      };
    }
    let claims: ClaimChange[];
    try {
      claims = diffClaims(current, account.jwt);
    } catch {
      // The deployed JWT does not verify: replacing it is a change.
      claims = [{ path: '(signature)', before: 'invalid', after: 'valid' }];
    }
    if (!claims.length) return { ...base, kind: AccountChangeKinds.Unchanged, claims };
    return {
      ...base,
      kind: account.removed ? AccountChangeKinds.Removed : AccountChangeKinds.Changed,
      claims,
    };
  });
}

/**
 * A user whose JWT differs from the previous compile: `apply` writes new creds for it, which take
 * effect when the user connects again (user JWTs are not pushed; the account trusts its signing key).
 */
export interface UserChange {
  account: string;
  user: string;
  /** `added`: no JWT in the previous compile; `changed`: its claims differ. */
  kind: typeof AccountChangeKinds.Added | typeof AccountChangeKinds.Changed;
  /** For `changed`: what differs (`pub.allow`, `exp`, …). Empty otherwise. */
  claims: ClaimChange[];
}

/** Compiled users against the previous compile's user JWTs (`ACCOUNT/user`); unchanged users are left out. */
export function diffUsers(
  compiled: readonly { account: string; name: string; jwt: string }[],
  previous: Readonly<Record<string, string>>,
): UserChange[] {
  const out: UserChange[] = [];
  for (const u of compiled) {
    const before = previous[`${u.account}/${u.name}`];
    if (before === undefined) {
      out.push({ account: u.account, user: u.name, kind: AccountChangeKinds.Added, claims: [] });
      continue;
    }
    let claims: ClaimChange[];
    try {
      claims = diffClaims(before, u.jwt);
    } catch {
      claims = [{ path: '(signature)', before: 'invalid', after: 'valid' }];
    }
    if (claims.length)
      out.push({ account: u.account, user: u.name, kind: AccountChangeKinds.Changed, claims });
  }
  return out;
}
