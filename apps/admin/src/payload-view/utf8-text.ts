import { isUnsafeCodePoint, unicodeEscape } from './escape-control-chars';

/** A decoded, escaped text and whether it stopped before the end of the bytes. */
export interface BoundedText {
  text: string;
  truncated: boolean;
}

/**
 * Decodes UTF-8 by hand rather than with `TextDecoder`, because a viewer must not lose bytes:
 * each byte of an invalid sequence becomes `\xNN` (not U+FFFD), unsafe characters become
 * `\u00XX`, and decoding stops once `maxChars` are produced (an escape is never cut in two).
 */
export function utf8Text(bytes: Uint8Array, maxChars: number): BoundedText {
  const parts: string[] = [];
  let length = 0;
  let i = 0;
  while (i < bytes.length && length < maxChars) {
    // Plain printable ASCII is most payloads: copy such runs in one step.
    const run = safeAsciiRun(bytes, i, maxChars - length);
    if (run > 0) {
      parts.push(ascii.decode(bytes.subarray(i, i + run)));
      length += run;
      i += run;
      continue;
    }
    const [piece, used] = decodeAt(bytes, i);
    parts.push(piece);
    length += piece.length;
    i += used;
  }
  return { text: parts.join(''), truncated: i < bytes.length };
}

const ascii = new TextDecoder('utf-8');

/** How many bytes from `i` (at most `max`) are printable ASCII, tab or line feed. */
function safeAsciiRun(bytes: Uint8Array, i: number, max: number): number {
  let j = i;
  const end = Math.min(bytes.length, i + max);
  while (j < end) {
    const b = bytes[j] ?? 0;
    if (!((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a)) break;
    j++;
  }
  return j - i;
}

/** The text of the character starting at `i` and how many bytes it used. */
function decodeAt(bytes: Uint8Array, i: number): [string, number] {
  const b0 = bytes[i] ?? 0;
  if (b0 < 0x80) return [render(b0), 1];
  let need: number;
  let min: number;
  let cp: number;
  if (b0 >= 0xc2 && b0 <= 0xdf) [need, min, cp] = [1, 0x80, b0 & 0x1f];
  else if (b0 >= 0xe0 && b0 <= 0xef) [need, min, cp] = [2, 0x800, b0 & 0x0f];
  else if (b0 >= 0xf0 && b0 <= 0xf4) [need, min, cp] = [3, 0x10000, b0 & 0x07];
  else return [invalidByte(b0), 1];
  for (let k = 1; k <= need; k++) {
    const b = bytes[i + k];
    if (b === undefined || (b & 0xc0) !== 0x80) return [invalidByte(b0), 1];
    cp = (cp << 6) | (b & 0x3f);
  }
  // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
  if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return [invalidByte(b0), 1];
  return [render(cp), need + 1];
}

function render(cp: number): string {
  return isUnsafeCodePoint(cp) ? unicodeEscape(cp) : String.fromCodePoint(cp);
}

function invalidByte(b: number): string {
  return `\\x${b.toString(16).padStart(2, '0')}`;
}
