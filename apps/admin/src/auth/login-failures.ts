/** User names tracked at most; past it the least recently failed goes (unknown names count too). */
export const LOGIN_FAILURES_MAX_NAMES = 10_000;

interface Failures {
  /** When the recent failures happened, oldest first; at most `max` are kept. */
  at: number[];
  /** Attempts admitted and still checking their password: each may yet be a failure. */
  pending: number;
}

/**
 * Failed password sign-ins per user name, from any address. The per-address limit (`loginLimit.max`)
 * stops one client guessing fast; this stops many clients (a botnet, or addresses rotating behind a
 * proxy) guessing one account slowly: after `max` failures within `windowMs`, the name is refused,
 * even with the right password, until the oldest of them is `windowMs` old. A success clears the
 * name. Unknown names are counted exactly like real ones, so the answer never tells which exist.
 *
 * Attempts still checking their password count against the limit, so `max` parallel guesses cannot
 * all be admitted before the first failure is known.
 */
export class LoginFailures {
  private readonly byName = new Map<string, Failures>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxNames = LOGIN_FAILURES_MAX_NAMES,
  ) {}

  /**
   * Admits one attempt for `name` (0: go on, then `settle` it) or says how many ms until the name
   * may try again.
   */
  admit(name: string): number {
    const entry = this.current(name);
    if (entry.at.length + entry.pending >= this.max) {
      // Only attempts in flight hold the name: they settle within a password check, about a second.
      return entry.at.length >= this.max
        ? entry.at[entry.at.length - this.max] + this.windowMs - this.now()
        : 1000;
    }
    entry.pending += 1;
    this.byName.set(name, entry);
    return 0;
  }

  /** Ends an admitted attempt: a failure is remembered for `windowMs`, a success forgets the name. */
  settle(name: string, succeeded: boolean): void {
    const entry = this.byName.get(name);
    if (succeeded) {
      this.byName.delete(name);
      return;
    }
    const failures = entry ?? { at: [], pending: 1 };
    failures.pending = Math.max(0, failures.pending - 1);
    failures.at.push(this.now());
    if (failures.at.length > this.max) failures.at.shift();
    // Re-inserted: Map order is then least recently failed first, which eviction takes from.
    this.byName.delete(name);
    this.byName.set(name, failures);
    while (this.byName.size > this.maxNames) {
      const oldest = this.byName.keys().next().value;
      if (oldest === undefined) break;
      this.byName.delete(oldest);
    }
  }

  /** How many names are tracked (for tests). */
  get size(): number {
    return this.byName.size;
  }

  /** The name's failures within the window (older ones dropped), or a fresh record. */
  private current(name: string): Failures {
    const entry = this.byName.get(name) ?? { at: [], pending: 0 };
    const since = this.now() - this.windowMs;
    while (entry.at.length > 0 && entry.at[0] <= since) entry.at.shift();
    if (entry.at.length === 0 && entry.pending === 0) this.byName.delete(name);
    return entry;
  }
}
