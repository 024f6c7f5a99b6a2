/**
 * Characters a terminal may act on instead of printing: C0 controls (ESC starts colour, cursor and
 * OSC sequences: title, hyperlinks, clipboard), DEL, C1 controls (U+009B is a one-byte CSI on some
 * terminals), and the bidirectional overrides and isolates that reorder what is shown ("Trojan
 * Source"). Line and paragraph separators are included: they break lines in some terminals and logs.
 */
/* eslint-disable no-control-regex -- matching control characters is the point */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_KEEPING_LINES =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const visible = (c: string): string => {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`);
};

/**
 * Untrusted text (payload fragments, header values, subjects, error messages) made safe to print
 * for people: every control character becomes a visible escape (`\x1b`, `\n`, `\u202e`), so the
 * result is one line. With `keepLines`, line feeds and tabs stay (for multi-line blocks such as a
 * pretty-printed payload); carriage returns never do, as they can overwrite what was printed.
 */
export function escapeTerminal(text: string, options: { keepLines?: boolean } = {}): string {
  return text.replace(options.keepLines ? UNSAFE_KEEPING_LINES : UNSAFE, visible);
}

// Inside JSON these can only occur in strings, where `\uXXXX` means the same character.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `JSON.stringify`, with the characters it leaves raw that a terminal acts on (DEL, C1, line
 * separators, bidi controls) written as `\uXXXX`: the same JSON value, safe to print.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
