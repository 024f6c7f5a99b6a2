import { randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: unguessable, and safe in a header. */
export const newCsrfToken = (): string => randomBytes(32).toString('base64url');

/** Whether `given` is `expected`, in time that does not depend on how much of it matched. */
export function csrfTokenMatches(
  expected: string | undefined,
  given: string | string[] | undefined,
): boolean {
  if (!expected || typeof given !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
