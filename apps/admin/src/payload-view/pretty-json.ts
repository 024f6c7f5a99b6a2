import { escapeControlChars } from './escape-control-chars';

const INDENT = '  ';

/**
 * Pretty-prints a JSON text, or returns undefined when it is not JSON. It re-indents the
 * original text instead of printing `JSON.parse`'s result, so what the publisher sent is what the
 * operator sees: 20-digit ids keep every digit, `1.0` stays `1.0`, duplicate keys stay, string
 * escapes stay as written. Unsafe characters JSON allows raw inside strings (DEL, C1, bidi
 * overrides) are escaped as `\u00XX`, which keeps the text valid JSON.
 */
export function prettyJson(source: string): string | undefined {
  try {
    JSON.parse(source);
  } catch {
    return undefined;
  }
  return escapeControlChars(reindent(source));
}

/** Re-indents a text already known to be valid JSON. */
function reindent(source: string): string {
  const out: string[] = [];
  let depth = 0;
  let i = 0;
  const newline = (): void => {
    out.push('\n', INDENT.repeat(depth));
  };
  while (i < source.length) {
    const c = source[i] ?? '';
    if (c === '"') {
      const end = stringEnd(source, i);
      out.push(source.slice(i, end));
      i = end;
      continue;
    }
    i++;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      const next = nextNonSpace(source, i);
      if (source[next] === close) {
        out.push(c, close);
        i = next + 1;
        continue;
      }
      depth++;
      out.push(c);
      newline();
    } else if (c === '}' || c === ']') {
      depth--;
      newline();
      out.push(c);
    } else if (c === ',') {
      out.push(c);
      newline();
    } else if (c === ':') {
      out.push(': ');
    } else {
      out.push(c);
    }
  }
  return out.join('');
}

/** Index just past the closing quote of the string starting at `start`. */
function stringEnd(source: string, start: number): number {
  let i = start + 1;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i++;
  }
  return source.length;
}

function nextNonSpace(source: string, i: number): number {
  while (i < source.length && /[ \t\n\r]/.test(source[i] ?? '')) i++;
  return i;
}
