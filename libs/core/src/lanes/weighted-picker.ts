/**
 * Smooth weighted round-robin (the nginx upstream algorithm): over any run of picks among the same
 * candidates, each gets its weight's share, interleaved rather than in bursts. With weights 8:3:1
 * the low lane gets one slot in twelve while all three have work, so it is never starved.
 */
export class WeightedPicker<K> {
  private readonly current = new Map<K, number>();

  /** Picks one of `candidates` (key and weight > 0), or undefined when there are none. */
  pick(candidates: readonly { key: K; weight: number }[]): K | undefined {
    if (candidates.length === 0) return undefined;
    let total = 0;
    let best: { key: K; score: number } | undefined;
    for (const { key, weight } of candidates) {
      const score = (this.current.get(key) ?? 0) + weight;
      this.current.set(key, score);
      total += weight;
      if (!best || score > best.score) best = { key, score };
    }
    this.current.set(best!.key, best!.score - total);
    return best!.key;
  }

  /** Forgets a key that is gone (a group lane removed). */
  forget(key: K): void {
    this.current.delete(key);
  }
}
