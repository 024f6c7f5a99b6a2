import { randomBytes } from 'node:crypto';

/** What the callback must check against: the values sent with the authorization request. */
export interface OidcTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** A sign-in must come back within this. */
export const OIDC_TRANSACTION_TTL_MS = 10 * 60 * 1000;

/** Started-but-unfinished sign-ins kept at most; the oldest go first (anyone can start one). */
const MAX_PENDING = 10_000;

/**
 * Sign-ins under way, keyed by a random id the browser holds in its own short-lived cookie. The
 * session cookie cannot carry them: it is SameSite=Strict, and the provider's redirect back is a
 * cross-site navigation on which browsers do not send it. Each transaction is taken at most once.
 */
export class OidcTransactions {
  private readonly pending = new Map<string, OidcTransaction & { expiresAt: number }>();

  /** Keeps `transaction` and returns its id. */
  add(transaction: OidcTransaction, now = Date.now()): string {
    this.prune(now);
    if (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    this.pending.set(id, { ...transaction, expiresAt: now + OIDC_TRANSACTION_TTL_MS });
    return id;
  }

  /** The transaction `id` names, removed so a callback cannot be replayed; undefined when unknown or expired. */
  take(id: string | undefined, now = Date.now()): OidcTransaction | undefined {
    if (!id) return undefined;
    const found = this.pending.get(id);
    this.pending.delete(id);
    if (!found || found.expiresAt <= now) return undefined;
    return { state: found.state, nonce: found.nonce, codeVerifier: found.codeVerifier };
  }

  private prune(now: number): void {
    // Insertion order is expiry order: stop at the first live one.
    for (const [id, t] of this.pending) {
      if (t.expiresAt > now) break;
      this.pending.delete(id);
    }
  }
}
