import { type BoundedText } from './utf8-text';

const BYTES_PER_LINE = 16;

/**
 * A `hexdump -C` style dump: offset, 16 bytes in hex, and the printable ASCII (anything else
 * shown as `.`), one line per 16 bytes, stopping before the text would pass `maxChars`.
 */
export function hexDump(bytes: Uint8Array, maxChars: number): BoundedText {
  const lines: string[] = [];
  let length = 0;
  let offset = 0;
  while (offset < bytes.length) {
    const line = hexLine(bytes.subarray(offset, offset + BYTES_PER_LINE), offset);
    if (length + line.length + 1 > maxChars) break;
    lines.push(line);
    length += line.length + 1;
    offset += BYTES_PER_LINE;
  }
  return { text: lines.join('\n'), truncated: offset < bytes.length };
}

function hexLine(chunk: Uint8Array, offset: number): string {
  const hex: string[] = [];
  let ascii = '';
  for (let k = 0; k < BYTES_PER_LINE; k++) {
    const b = chunk[k];
    hex.push(b === undefined ? '  ' : b.toString(16).padStart(2, '0'));
    if (b !== undefined) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    if (k === 7) hex.push('');
  }
  return `${offset.toString(16).padStart(8, '0')}  ${hex.join(' ')}  |${ascii}|`;
}
