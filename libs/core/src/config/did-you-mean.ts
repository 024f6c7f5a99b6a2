/**
 * Edit distance between two option names: insertions, deletions, substitutions and swaps of two
 * neighbouring letters each cost 1 (optimal string alignment), so `retension`, `concurency` and
 * `maxAttemtps` are all one edit from the real name.
 */
export function editDistance(a: string, b: string): number {
  // rows[i][j] = distance between the first i letters of a and the first j letters of b
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

/**
 * The known name `name` is most likely a typo of, or undefined when none is close. Case is ignored
 * (`deadletter` → `deadLetter`); a longer name tolerates more edits (1 up to 4 letters, 2 up to 10,
 * then 3), so short names are not matched to unrelated ones.
 */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const allowed = lower.length <= 4 ? 1 : lower.length <= 10 ? 2 : 3;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= allowed && (best === undefined || distance < best.distance)) {
      best = { name: candidate, distance };
    }
  }
  return best?.name;
}
