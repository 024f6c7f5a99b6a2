import { hexDump } from './hex-dump';
import { type PayloadEncryptionNote } from './payload-encryption-note';
import { PAYLOAD_VIEW_MAX_CHARS, type PayloadFormat } from './payload-format';
import { prettyJson } from './pretty-json';
import { utf8Text } from './utf8-text';

/**
 * A payload as the API returns it: always a JSON string, never markup, with every unsafe
 * character escaped, so a client can show it as plain text without further care.
 */
export interface PayloadView {
  /** The format of `text`: `json` only when the payload parsed as JSON. */
  format: PayloadFormat;
  text: string;
  /** Whether `text` stops before the end of the payload (see `PAYLOAD_VIEW_MAX_CHARS`). */
  truncated: boolean;
  /** The payload's size in bytes. */
  bytes: number;
  /** Set when the payload is encrypted (`Jetbus-Enc`): `text` is then the ciphertext, and this says so. */
  encryption?: PayloadEncryptionNote;
}

export interface PayloadViewOptions {
  /** @default 'json' (pretty JSON when it parses, else text) */
  format?: PayloadFormat;
  /** @default PAYLOAD_VIEW_MAX_CHARS */
  maxChars?: number;
  /** The payload is encrypted: shown as a hex dump (or `text` when asked for), with this note. */
  encryption?: PayloadEncryptionNote;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Formats untrusted payload bytes for display: pretty JSON when asked for `json` and it parses,
 * else UTF-8 text (invalid bytes as `\xNN`, control characters as `\u00XX`), or a hex dump.
 */
export function viewPayload(data: Uint8Array, options: PayloadViewOptions = {}): PayloadView {
  const { encryption } = options;
  if (encryption) {
    // Ciphertext never parses as JSON: a hex dump, unless text was asked for.
    const view = viewPayload(data, {
      ...options,
      format: options.format === 'text' ? 'text' : 'hex',
      encryption: undefined,
    });
    return { ...view, encryption };
  }
  const format = options.format ?? 'json';
  const maxChars = options.maxChars ?? PAYLOAD_VIEW_MAX_CHARS;
  const bytes = data.length;
  if (format === 'hex') return { format, ...hexDump(data, maxChars), bytes };
  if (format === 'json' && bytes > 0) {
    const pretty = prettyJson(decodeStrict(data) ?? '');
    if (pretty !== undefined) {
      const truncated = pretty.length > maxChars;
      return { format: 'json', text: truncated ? cut(pretty, maxChars) : pretty, truncated, bytes };
    }
  }
  return { format: 'text', ...utf8Text(data, maxChars), bytes };
}

function decodeStrict(data: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(data);
  } catch {
    return undefined;
  }
}

/** Cuts at `max` characters without splitting a surrogate pair. */
function cut(text: string, max: number): string {
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
