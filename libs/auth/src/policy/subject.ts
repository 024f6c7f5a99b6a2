/**
 * NATS subject syntax and containment, as the server applies them to permissions and exports.
 * Tokens are separated by `.`; `*` matches one token, `>` one or more trailing tokens.
 */

export interface SubjectRules {
  /** Whether `*` and `>` may appear. @default true */
  wildcards?: boolean;
}

/** Returns why `subject` is not a valid subject, or undefined when it is. */
export function subjectSyntaxError(subject: string, rules: SubjectRules = {}): string | undefined {
  const wildcards = rules.wildcards ?? true;
  if (subject.length === 0) return 'empty subject';
  if (/\s/.test(subject)) return `subject "${subject}" contains whitespace`;
  const tokens = subject.split('.');
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.length === 0) return `subject "${subject}" has an empty token`;
    if (token.includes('>')) {
      if (token !== '>') return `subject "${subject}": ">" must be a whole token`;
      if (i !== tokens.length - 1) return `subject "${subject}": ">" must be the last token`;
    }
    if (token.includes('*') && token !== '*') return `subject "${subject}": "*" must be a whole token`;
    if (!wildcards && (token === '*' || token === '>'))
      return `subject "${subject}" may not contain wildcards`;
  }
  return undefined;
}

/**
 * Whether every subject that `subject` can match is also matched by `pattern` (both may hold
 * wildcards). `orders.>` covers `orders.created` and `orders.*.eu`, not `orders` nor `*.created`.
 */
export function subjectCovers(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (s[i] === '>') return false;
    if (p[i] === '*') continue;
    if (p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** A name usable as a NATS token and a file name: stream, consumer, account, user and role names. */
export function nameSyntaxError(kind: string, name: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    return `${kind} name "${name}" must be 1-64 characters of letters, digits, "_" or "-"`;
  }
  return undefined;
}
