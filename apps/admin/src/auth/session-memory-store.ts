import { type SessionData, Store } from 'express-session';

/** Sessions kept at most; past it the least recently used goes (every login makes one). */
export const SESSION_STORE_MAX = 10_000;

interface Entry {
  /** JSON, so a caller cannot change a stored session by mutating the object it handed over. */
  data: string;
  expiresAt: number;
}

/**
 * The app's sessions, in this process (a restart signs everyone out, as the options document).
 * Unlike express-session's MemoryStore it drops expired sessions as it goes, never holds more than
 * `max`, and does not print MemoryStore's production warning on every start.
 */
export class SessionMemoryStore extends Store {
  private readonly sessions = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = SESSION_STORE_MAX,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  /** How many live sessions there are (for tests and metrics). */
  get size(): number {
    this.prune();
    return this.sessions.size;
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    const entry = this.sessions.get(sid);
    if (!entry || entry.expiresAt <= this.now()) {
      this.sessions.delete(sid);
      return callback(null, null);
    }
    // Re-inserted: Map order is then least recently used first, which `set` evicts from.
    this.sessions.delete(sid);
    this.sessions.set(sid, entry);
    callback(null, JSON.parse(entry.data) as SessionData);
  }

  override set(sid: string, session: SessionData, callback?: (err?: unknown) => void): void {
    this.sessions.delete(sid);
    this.prune();
    while (this.sessions.size >= this.max) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    this.sessions.set(sid, { data: JSON.stringify(session), expiresAt: this.expiry(session) });
    callback?.();
  }

  override touch(sid: string, session: SessionData, callback?: () => void): void {
    const entry = this.sessions.get(sid);
    if (entry) entry.expiresAt = this.expiry(session);
    callback?.();
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.sessions.delete(sid);
    callback?.();
  }

  /** The cookie's expiry (express-session moves it on every response: `rolling`), else the TTL from now. */
  private expiry(session: SessionData): number {
    const expires = session.cookie?.expires;
    return expires ? new Date(expires).getTime() : this.now() + this.ttlMs;
  }

  private prune(): void {
    const now = this.now();
    for (const [sid, entry] of this.sessions) if (entry.expiresAt <= now) this.sessions.delete(sid);
  }
}
