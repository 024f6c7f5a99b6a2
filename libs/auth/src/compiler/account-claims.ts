import { type Account, type Export, type Import, type OperatorLimits } from '@nats-io/jwt';
import { type AccountExport, type AccountLimits } from '../policy/auth-policy.types';
import { DEFAULT_ACCOUNT_LIMITS, DISABLED_JETSTREAM_LIMITS } from '../policy/policy-defaults';

/**
 * Policy limits in the claim's own names. The NATS and JetStream basics are always written,
 * unlimited ones as -1: nats-server 2.9 refuses connections for an account JWT without them.
 */
export function limitsClaim(limits: AccountLimits): OperatorLimits {
  const js = limits.jetstream;
  const claim: OperatorLimits = {
    subs: limits.subscriptions,
    conn: limits.connections,
    leaf: limits.leafNodes,
    imports: limits.imports,
    exports: limits.exports,
    data: limits.data,
    payload: limits.payload,
    wildcards: limits.wildcardExports,
    mem_storage: js.memoryStorage,
    disk_storage: js.diskStorage,
    streams: js.streams,
    consumer: js.consumers,
  };
  // The finer JetStream caps only when set, as nsc does: older servers ignore them anyway.
  if (js.maxAckPending !== -1) claim.max_ack_pending = js.maxAckPending;
  if (js.memoryMaxStreamBytes !== -1) claim.mem_max_stream_bytes = js.memoryMaxStreamBytes;
  if (js.diskMaxStreamBytes !== -1) claim.disk_max_stream_bytes = js.diskMaxStreamBytes;
  if (js.maxBytesRequired) claim.max_bytes_required = true;
  return claim;
}

export function exportClaim(e: AccountExport): Export {
  const claim: Export = { name: e.name, subject: e.subject, type: e.type };
  if (!e.public) claim.token_req = true;
  if (e.description !== undefined) claim.description = e.description;
  return claim;
}

export interface ResolvedImport {
  name: string;
  subject: string;
  type: 'stream' | 'service';
  /** Exporting account's public key. */
  account: string;
  /** Activation token, for private exports. */
  token?: string;
  localSubject?: string;
}

export function importClaim(i: ResolvedImport): Import {
  const claim: Import = { name: i.name, subject: i.subject, account: i.account, type: i.type };
  if (i.token !== undefined) claim.token = i.token;
  if (i.localSubject !== undefined) claim.local_subject = i.localSubject;
  return claim;
}

/** `{ userPublicKey: unix seconds }` from ISO times; undefined when there are none. */
export function revocationsClaim(
  records: readonly { publicKey: string; revokedAt: string }[],
): Record<string, number> | undefined {
  if (!records.length) return undefined;
  const out: Record<string, number> = {};
  for (const r of [...records].sort((a, b) => a.publicKey.localeCompare(b.publicKey))) {
    out[r.publicKey] = Math.floor(Date.parse(r.revokedAt) / 1000);
  }
  return out;
}

/** JetStream cannot run in the system account: its limits say so explicitly. */
export function systemAccountClaims(signingKey: string): Partial<Account> {
  return {
    description: 'jetbus system account',
    limits: limitsClaim({ ...DEFAULT_ACCOUNT_LIMITS, jetstream: { ...DISABLED_JETSTREAM_LIMITS } }),
    signing_keys: [signingKey],
  };
}

/**
 * An account removed from the policy: every user JWT revoked (`*`, so the server closes their
 * connections with "User Authentication Revoked"), no signing keys (which alone invalidates users
 * signed by them), no leaf nodes, no exports, JetStream disabled (zero storage, streams and
 * consumers): a removed account must not keep, or regain, unlimited storage. The server stops the
 * account's streams; their files stay on disk until an operator deletes them.
 */
export function tombstoneClaims(revokedAt: number): Partial<Account> {
  return {
    description: 'removed from the jetbus auth policy',
    limits: limitsClaim({
      ...DEFAULT_ACCOUNT_LIMITS,
      leafNodes: 0,
      jetstream: { ...DISABLED_JETSTREAM_LIMITS },
    }),
    revocations: { '*': revokedAt },
  };
}
