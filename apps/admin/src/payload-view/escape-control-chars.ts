/**
 * Characters that must never reach a terminal or a page raw: C0 controls (ESC starts terminal
 * escape sequences), DEL, C1 controls (0x9B is a one-byte CSI), the line/paragraph separators, and
 * the bidirectional overrides that make text read differently from what it is ("Trojan Source").
 * Tab and line feed stay literal: they are harmless and keep multi-line text readable.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** True when `code` (a UTF-16 code unit or code point) is one of the unsafe characters above. */
export function isUnsafeCodePoint(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a) ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** `\u00XX` (JSON's own escape form, so an escaped JSON text is still valid JSON). */
export function unicodeEscape(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Escapes the unsafe characters of an untrusted string (a subject, a header, an error text) as
 * `\u00XX`; everything else is returned as is.
 */
export function escapeControlChars(text: string): string {
  return text.replace(UNSAFE, (c) => unicodeEscape(c.charCodeAt(0)));
}
