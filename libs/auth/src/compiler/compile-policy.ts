import { decodeJwt } from '../crypto/decode-jwt';
import {
  type Account,
  encodeAccount,
  encodeActivation,
  encodeOperator,
  encodeUser,
  type Import,
} from '@nats-io/jwt';
import { type Logger } from 'pino';
import { type KeyStore, type RevocationRecord } from '../keystore/key-store';
import { type AccountPolicy, type AuthPolicy, type UserPolicy } from '../policy/auth-policy.types';
import { SYSTEM_ACCOUNT_NAME, SYSTEM_USER_NAME } from '../policy/policy-defaults';
import { subjectCovers } from '../policy/subject';
import { type RolePermissions } from '../roles/role-permissions';
import {
  exportClaim,
  importClaim,
  limitsClaim,
  type ResolvedImport,
  revocationsClaim,
  systemAccountClaims,
  tombstoneClaims,
} from './account-claims';
import {
  type CompiledAccount,
  type CompiledOperator,
  type CompiledPolicy,
  type CompiledUser,
  type PreviousJwts,
} from './compiled-policy.types';
import { keepIfSame, sameClaims } from './same-claims';
import { userClaims } from './user-claims';

export interface CompileOptions {
  /** JWTs of the previous compile, kept where nothing changed (see `PreviousJwts`). */
  previous?: PreviousJwts;
  /** Clock for expiry checks and revocations. @default new Date() */
  now?: Date;
  logger?: Logger;
}

/** What the system user may do: manage account claims, nothing else. */
const SYSTEM_USER_PERMISSIONS: RolePermissions = {
  kind: 'custom',
  publish: { allow: ['$SYS.REQ.CLAIMS.>', '$SYS.REQ.ACCOUNT.*.CLAIMS.LOOKUP'], deny: [] },
  subscribe: { allow: [], deny: [] },
  inbox: true,
};

const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);

/**
 * Compiles a validated policy into signed JWTs: the operator (identity key self-signed, listing
 * its signing key and `SYS`), the system account, the app accounts (signed by the operator signing
 * key, each with its own signing key, explicit limits, exports/imports with activation tokens for
 * private exports, revocations), and every user (signed by its account's signing key,
 * `issuer_account` set). Keys come from `keys` and are created on first use.
 *
 * Users whose keys exist but who left the policy are revoked in `keys`; accounts that left it
 * become tombstones. Unchanged JWTs from `options.previous` are kept as they are.
 */
export async function compilePolicy(
  policy: AuthPolicy,
  keys: KeyStore,
  options: CompileOptions = {},
): Promise<CompiledPolicy> {
  const now = options.now ?? new Date();
  const previous = options.previous ?? {};
  const log = options.logger;

  const opSigner = await keys.operatorSigningKey();
  const sysPublic = await keys.accountPublicKey(SYSTEM_ACCOUNT_NAME);
  const operator = await compileOperator(
    policy.operator.name,
    keys,
    opSigner.getPublicKey(),
    sysPublic,
    previous.operator,
  );

  const revoked: RevocationRecord[] = [];
  const users: CompiledUser[] = [];
  const accounts: CompiledAccount[] = [];

  // System account and its user.
  const sysSigner = await keys.accountSigningKey(SYSTEM_ACCOUNT_NAME);
  revoked.push(...(await revokeOrphans(keys, SYSTEM_ACCOUNT_NAME, [SYSTEM_USER_NAME], now)));
  const sysClaims: Partial<Account> = {
    ...systemAccountClaims(sysSigner.getPublicKey()),
    ...optional('revocations', revocationsClaim(await keys.revocations(SYSTEM_ACCOUNT_NAME))),
  };
  const systemAccount: CompiledAccount = {
    name: SYSTEM_ACCOUNT_NAME,
    publicKey: sysPublic,
    signingKey: sysSigner.getPublicKey(),
    jwt: keepIfSame(
      previous.accounts?.[SYSTEM_ACCOUNT_NAME],
      await encodeAccount(SYSTEM_ACCOUNT_NAME, sysPublic, sysClaims, { signer: opSigner }),
    ),
    system: true,
    removed: false,
  };
  accounts.push(systemAccount);
  users.push(
    await compileUser(
      keys,
      previous,
      now,
      SYSTEM_ACCOUNT_NAME,
      sysPublic,
      { system: SYSTEM_USER_PERMISSIONS },
      {
        name: SYSTEM_USER_NAME,
        roles: ['system'],
        publish: { allow: [], deny: [] },
        subscribe: { allow: [], deny: [] },
        allowedCidrs: [],
      },
    ),
  );

  // App accounts: public keys first, since imports point at other accounts.
  const publicKeys = new Map<string, string>();
  for (const a of policy.accounts) publicKeys.set(a.name, await keys.accountPublicKey(a.name));
  const byName = new Map(policy.accounts.map((a) => [a.name, a]));

  for (const account of policy.accounts) {
    const publicKey = publicKeys.get(account.name) as string;
    const signer = await keys.accountSigningKey(account.name);
    revoked.push(
      ...(await revokeOrphans(
        keys,
        account.name,
        account.users.map((u) => u.name),
        now,
      )),
    );

    const previousImports = importsOf(previous.accounts?.[account.name]);
    const imports: ResolvedImport[] = [];
    for (const i of account.imports) {
      const exporter = byName.get(i.account) as AccountPolicy;
      const exported = exporter.exports.find((e) => e.type === i.type && subjectCovers(e.subject, i.subject));
      const resolved: ResolvedImport = {
        name: i.name,
        subject: i.subject,
        type: i.type,
        account: publicKeys.get(i.account) as string,
        ...optional('localSubject', i.localSubject),
      };
      if (exported && !exported.public) {
        // Private export: the exporter's signing key grants this account an activation for the
        // imported subject (not the whole export).
        const fresh = await encodeActivation(
          i.name,
          publicKey,
          resolved.account,
          i.type,
          { subject: i.subject },
          { signer: await keys.accountSigningKey(i.account) },
        );
        const old = previousImports.find(
          (p) => p.account === resolved.account && p.subject === i.subject && p.type === i.type,
        );
        resolved.token = keepIfSame(old?.token, fresh);
      }
      imports.push(resolved);
    }

    const claims: Partial<Account> = {
      limits: limitsClaim(account.limits),
      signing_keys: [signer.getPublicKey()],
      ...optional('description', account.description),
      ...(account.exports.length ? { exports: account.exports.map(exportClaim) } : {}),
      ...(imports.length ? { imports: imports.map(importClaim) } : {}),
      ...optional('revocations', revocationsClaim(await keys.revocations(account.name))),
    };
    const jwt = keepIfSame(
      previous.accounts?.[account.name],
      await encodeAccount(account.name, publicKey, claims, { signer: opSigner }),
    );
    accounts.push({
      name: account.name,
      publicKey,
      signingKey: signer.getPublicKey(),
      jwt,
      system: false,
      removed: false,
    });

    const roles = { ...policy.roles, ...account.roles };
    for (const user of account.users) {
      users.push(await compileUser(keys, previous, now, account.name, publicKey, roles, user));
    }
  }

  // Accounts with keys but no longer in the policy.
  for (const name of await keys.accounts()) {
    if (name === SYSTEM_ACCOUNT_NAME || byName.has(name)) continue;
    // Revoke its users' keys too: should the account come back, their old creds stay dead.
    revoked.push(...(await revokeOrphans(keys, name, [], now)));
    const publicKey = await keys.accountPublicKey(name);
    const old = previous.accounts?.[name];
    // A tombstone's `*` revocation carries its time: keep the first one rather than re-dating it
    // (and the old JWT itself when nothing else changed, e.g. a tombstone of an older version
    // that left JetStream unlimited is re-issued).
    const since = old ? tombstoneTime(old) : undefined;
    const fresh = await encodeAccount(name, publicKey, tombstoneClaims(since ?? seconds(now)), {
      signer: opSigner,
    });
    const jwt = keepIfSame(old, fresh);
    accounts.push({ name, publicKey, signingKey: '', jwt, system: false, removed: true });
    log?.warn({ account: name }, 'account is not in the policy: compiled as a tombstone');
  }

  return { operator, systemAccount, accounts, users, revoked };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function importsOf(jwt: string | undefined): Import[] {
  if (!jwt) return [];
  try {
    return decodeJwt<Account>(jwt).nats.imports ?? [];
  } catch {
    return [];
  }
}

/** The `*` revocation time of a tombstone JWT; undefined for anything else. */
function tombstoneTime(jwt: string): number | undefined {
  try {
    const nats = decodeJwt<Account>(jwt).nats;
    return nats.signing_keys?.length ? undefined : nats.revocations?.['*'];
  } catch {
    return undefined;
  }
}

async function compileOperator(
  name: string,
  keys: KeyStore,
  signingKey: string,
  systemAccount: string,
  previous: string | undefined,
): Promise<CompiledOperator> {
  const publicKey = await keys.operatorPublicKey();
  const claims = { signing_keys: [signingKey], system_account: systemAccount };
  if (previous && !(await keys.hasOperatorSeed())) {
    // The identity seed is offline: the previous JWT is fine as long as it still says the same.
    const old = decodeJwt<{ signing_keys?: string[]; system_account?: string }>(previous);
    if (
      old.sub === publicKey &&
      old.name === name &&
      JSON.stringify(old.nats.signing_keys) === JSON.stringify(claims.signing_keys) &&
      old.nats.system_account === systemAccount
    ) {
      return { name, publicKey, signingKey, jwt: previous };
    }
  }
  const fresh = await encodeOperator(name, await keys.operator(), claims);
  return { name, publicKey, signingKey, jwt: keepIfSame(previous, fresh) };
}

async function compileUser(
  keys: KeyStore,
  previous: PreviousJwts,
  now: Date,
  account: string,
  accountPublicKey: string,
  roles: Record<string, RolePermissions>,
  user: UserPolicy,
): Promise<CompiledUser> {
  const kp = await keys.user(account, user.name);
  const signer = await keys.accountSigningKey(account);
  const fresh = await encodeUser(user.name, kp.getPublicKey(), accountPublicKey, userClaims(user, roles), {
    signer,
    ...(user.expires ? { exp: seconds(user.expires) } : {}),
  });
  const old = previous.users?.[`${account}/${user.name}`];
  const compiled: CompiledUser = {
    account,
    name: user.name,
    publicKey: kp.getPublicKey(),
    jwt: sameClaims(old, fresh) ? (old as string) : fresh,
    expired: user.expires !== undefined && user.expires.getTime() <= now.getTime(),
  };
  if (user.expires) compiled.expires = user.expires;
  if (user.inboxPrefix !== undefined) compiled.inboxPrefix = user.inboxPrefix;
  return compiled;
}

/** Revokes the keys of users that have keys but are not (any more) in the policy. */
async function revokeOrphans(
  keys: KeyStore,
  account: string,
  users: string[],
  now: Date,
): Promise<RevocationRecord[]> {
  const keep = new Set(users);
  const out: RevocationRecord[] = [];
  for (const user of await keys.users(account)) {
    if (!keep.has(user)) out.push(await keys.revokeUser(account, user, now));
  }
  return out;
}
