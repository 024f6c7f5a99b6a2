import { type ClaimsData } from '@nats-io/jwt';
import { decodeJwt } from '../crypto/decode-jwt';

/** Claims that change on every signing and carry no meaning for comparisons. */
const VOLATILE = new Set(['iat', 'jti']);

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

/**
 * The JWT's claims without `iat`/`jti`, with embedded activation tokens (imports' `token`)
 * replaced by their own claims, keys sorted: equal meaning gives equal JSON. Verifies the
 * signature; throws when it does not hold.
 */
export function stableClaims(jwt: string): Record<string, unknown> {
  const claims = decodeJwt<Record<string, unknown>>(jwt) as ClaimsData<Record<string, unknown>> &
    Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(claims)) if (!VOLATILE.has(k)) out[k] = v;
  const imports = (claims.nats as { imports?: { token?: string }[] } | undefined)?.imports;
  if (imports) {
    out.nats = {
      ...claims.nats,
      imports: imports.map((i) => (i.token ? { ...i, token: stableClaims(i.token) } : i)),
    };
  }
  return canonical(out) as Record<string, unknown>;
}

/** Whether two JWTs say the same thing (ignoring `iat`/`jti`); false when either does not verify. */
export function sameClaims(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  try {
    return JSON.stringify(stableClaims(a)) === JSON.stringify(stableClaims(b));
  } catch {
    return false;
  }
}

/** `previous` when it says the same as `next`, else `next`: keeps unchanged JWTs byte-identical. */
export function keepIfSame(previous: string | undefined, next: string): string {
  return sameClaims(previous, next) ? (previous as string) : next;
}
