/**
 * Whether a stream subject `pattern` stores every subject `subject` matches (`subject` may hold
 * wildcards itself: `orders.*._prio.high`). Used at provisioning: a lane subject the stream does not
 * capture would make every lane publish fail with "no stream".
 */
export function captures(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] === '*') {
      if (s[i] === '>') return false;
      continue;
    }
    if (p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

export const capturedByAny = (patterns: readonly string[], subject: string): boolean =>
  patterns.some((p) => captures(p, subject));
