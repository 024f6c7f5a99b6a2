import { type AdminPrincipal, callerKey } from '../auth/admin-principal';
import { ReplayLimitException } from './replay-limit.exception';

/** A running bulk replay's place in `ReplaySlots`; `release` gives it back (a second call does nothing). */
export interface ReplaySlot {
  release(): void;
}

/**
 * Counts the bulk replays (or, in a second instance, the dry runs) running in this process, per
 * caller and overall, and refuses a start beyond `bulkReplayLimit`. A slot is taken synchronously,
 * before the selection is read, so parallel requests cannot all pass the check and then all start
 * (Node runs one at a time up to the first await).
 */
export class ReplaySlots {
  private readonly byActor = new Map<string, number>();
  private running = 0;

  constructor(
    private readonly limit: { perActor: number; total: number },
    /** What a slot is for, as the refusal names it. */
    private readonly what: { one: string; many: string } = { one: 'bulk replay', many: 'bulk replays' },
  ) {}

  /**
   * Takes a slot for `principal` (counted by `callerKey`) or throws `ReplayLimitException` saying
   * which bound was reached.
   */
  take(principal: Pick<AdminPrincipal, 'name' | 'via'>): ReplaySlot {
    const actor = callerKey(principal);
    const mine = this.byActor.get(actor) ?? 0;
    const { one, many } = this.what;
    if (mine >= this.limit.perActor) {
      throw new ReplayLimitException(
        `${principal.name} already runs ${mine} ${mine === 1 ? one : many}, the most one caller may run ` +
          `at once (bulkReplayLimit.perActor); start this one when one of them has finished`,
      );
    }
    if (this.running >= this.limit.total) {
      throw new ReplayLimitException(
        `${this.running} ${many} are running, the most this app runs at once ` +
          `(bulkReplayLimit.total); start this one when one of them has finished`,
      );
    }
    this.byActor.set(actor, mine + 1);
    this.running++;
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.running--;
        const left = (this.byActor.get(actor) ?? 1) - 1;
        if (left > 0) this.byActor.set(actor, left);
        else this.byActor.delete(actor);
      },
    };
  }

  /** Bulk replays running now (for tests and the shutdown log). */
  get size(): number {
    return this.running;
  }
}
