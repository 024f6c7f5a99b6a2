import { type AccountChange, type ApplyResult, type ClaimChange, type RevocationRecord } from '@jetbus/auth';

const SYMBOL: Record<AccountChange['kind'], string> = {
  added: '+',
  changed: '~',
  removed: '-',
  unchanged: '=',
};

const show = (v: unknown): string =>
  v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v);

function describeClaim(change: ClaimChange, revoked: Map<string, RevocationRecord>): string {
  const m = /^revocations\.(U[A-Z2-7]+)$/.exec(change.path);
  const who = m && revoked.get(m[1]);
  const label = who ? `${change.path} (${who.account}/${who.user})` : change.path;
  return `${label}: ${show(change.before)} -> ${show(change.after)}`;
}

/** The JSON shape of an apply / diff / add-user / revoke result: no JWT, no seed. */
export function applySummary(
  result: ApplyResult,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...extra,
    dir: result.paths.root,
    comparedWith: result.comparedWith,
    changes: result.changes.map(({ account, publicKey, kind, claims }) => ({
      account,
      publicKey,
      kind,
      claims,
    })),
    users: result.userChanges,
    pushed: result.pushed,
    operatorChanged: result.operatorChanged,
    revoked: result.compiled.revoked,
    expiredUsers: result.compiled.users.filter((u) => u.expired).map((u) => `${u.account}/${u.name}`),
    warnings: result.warnings,
    ...(result.written ? { creds: result.written.creds, serverConfig: result.paths.serverConfig } : {}),
  };
}

/** Human lines: one per account (`+ added`, `~ changed` with its claims, `- removed`, `= unchanged`). */
export function formatChanges(result: ApplyResult, revocations: readonly RevocationRecord[]): string[] {
  const revoked = new Map([...revocations, ...result.compiled.revoked].map((r) => [r.publicKey, r]));
  const width = Math.max(...result.changes.map((c) => c.account.length));
  const lines: string[] = [];
  for (const c of result.changes) {
    lines.push(`  ${SYMBOL[c.kind]} ${c.account.padEnd(width)}  ${c.kind}`);
    for (const claim of c.claims) lines.push(`      ${describeClaim(claim, revoked)}`);
  }
  for (const u of result.userChanges) {
    lines.push(
      `  ${SYMBOL[u.kind]} user ${u.account}/${u.user}  ${u.kind} (new creds; they apply when it connects again)`,
    );
    for (const claim of u.claims) lines.push(`      ${describeClaim(claim, revoked)}`);
  }
  for (const r of result.compiled.revoked) lines.push(`  revoked ${r.account}/${r.user} (left the policy)`);
  for (const u of result.compiled.users.filter((x) => x.expired)) {
    lines.push(`  warning: ${u.account}/${u.name} expired at ${u.expires?.toISOString()}`);
  }
  if (result.operatorChanged) {
    lines.push(
      '  warning: the operator JWT changed: install the new server-auth.conf and restart the servers',
    );
  }
  return lines;
}
