import { ENCRYPTION_HEADER, parseEncryptionHeader } from '@jetbus/core';
import { escapeControlChars } from './escape-control-chars';

/**
 * What the admin app says about an encrypted payload (header `Jetbus-Enc`): it holds no keys, so
 * it shows the ciphertext as stored (a hex dump unless another format is asked for) and says so.
 * Decrypting for display is the CLI's: `jetbus dlq show <seq> --keys <key ring file>`.
 */
export interface PayloadEncryptionNote {
  /** The key id of the header, escaped; absent when the header names none. */
  kid?: string;
  note: string;
}

/** The note for a payload with these headers (pairs or a name → values map), or `undefined` when it is cleartext. */
export function payloadEncryptionNote(
  headers: readonly (readonly [string, string])[] | Record<string, string[]>,
): PayloadEncryptionNote | undefined {
  const pairs = Array.isArray(headers)
    ? (headers as readonly (readonly [string, string])[])
    : Object.entries(headers as Record<string, string[]>).map(([k, v]) => [k, v[0] ?? ''] as const);
  const value = pairs.find(([name]) => name.toLowerCase() === ENCRYPTION_HEADER.toLowerCase())?.[1];
  if (value === undefined) return undefined;
  const { kid } = parseEncryptionHeader(value);
  const shownKid = kid === undefined ? undefined : escapeControlChars(kid);
  return {
    ...(shownKid !== undefined ? { kid: shownKid } : {}),
    note: `encrypted payload (kid=${shownKid ?? '?'}): shown as ciphertext, the admin app holds no keys (decrypt with jetbus dlq show --keys)`,
  };
}
