import { DecryptError } from '../errors/decrypt.error';
import { JOB_ID_HEADER } from '../wire/job-id-header';
import { type KeyProvider } from './key-provider';
import { PayloadEncryption } from './payload-encryption';
import { ENCRYPTION_HEADER, parseEncryptionHeader } from './wire-format';

/** What a payload view (`jetbus dlq show`, the admin app) shows, and what it says about it. */
export interface RevealedPayload {
  /** The plaintext when it was decrypted or never encrypted; else the ciphertext, as stored. */
  data: Uint8Array;
  /** Absent for a cleartext payload. */
  encryption?: {
    kid: string | undefined;
    decrypted: boolean;
    /** For people: why the ciphertext is shown, or which key decrypted it. */
    note: string;
  };
}

const headerOf = (headers: Record<string, string[]>, name: string): string | undefined =>
  Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1][0];

/**
 * Decrypts a stored job's payload for display when `keys` hold its key; otherwise returns the
 * ciphertext and says so. `subject` is the subject the job was delivered on.
 */
export async function revealPayload(
  subject: string,
  headers: Record<string, string[]>,
  data: Uint8Array,
  keys: KeyProvider | undefined,
): Promise<RevealedPayload> {
  const header = headerOf(headers, ENCRYPTION_HEADER);
  if (!header) return { data };
  const { kid } = parseEncryptionHeader(header);
  if (!keys)
    return {
      data,
      encryption: {
        kid,
        decrypted: false,
        note: `encrypted (kid=${kid ?? '?'}); shown as ciphertext: no keys given`,
      },
    };
  try {
    const plain = await new PayloadEncryption(keys, [], false).open(
      subject,
      header,
      headerOf(headers, JOB_ID_HEADER),
      data,
    );
    return { data: plain, encryption: { kid, decrypted: true, note: `decrypted with key ${kid}` } };
  } catch (e) {
    if (!(e instanceof DecryptError)) throw e;
    return {
      data,
      encryption: { kid, decrypted: false, note: `shown as ciphertext: ${e.failure} (kid=${kid ?? '?'})` },
    };
  }
}
