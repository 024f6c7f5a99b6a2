/**
 * The v1 wire format of an encrypted jetbus payload (README, "Wire contract"). Everything another
 * language needs to produce or consume one is here:
 *
 * - header `Jetbus-Enc: v1; alg=A256GCM; kid=<key id>`;
 * - header `Jetbus-Job-Id: <job id>` (always present on an encrypted job);
 * - body `nonce (12 bytes) || ciphertext || tag (16 bytes)`: AES-256-GCM of the codec's bytes;
 * - associated data: UTF-8 of `jetbus-enc/v1 \n A256GCM \n <kid> \n <subject> \n <job id>`
 *   (joined by a single `\n`, no spaces), where `<subject>` is the subject the job is delivered on.
 *
 * Headers stay cleartext: they route, deduplicate and trace the job.
 */
export const ENCRYPTION_HEADER = 'Jetbus-Enc';
export const ENCRYPTION_VERSION = 'v1';
export const ENCRYPTION_ALGORITHM = 'A256GCM';
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const KEY_BYTES = 32;
/** A key id goes into a header and a file name: letters, digits, `.`, `_`, `-`; 1 to 64 of them. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export interface EncryptionHeader {
  version: string;
  alg: string | undefined;
  kid: string | undefined;
}

export function formatEncryptionHeader(kid: string): string {
  return `${ENCRYPTION_VERSION}; alg=${ENCRYPTION_ALGORITHM}; kid=${kid}`;
}

/** Splits `v1; alg=A256GCM; kid=k1` into its parts; the caller decides what is missing or unknown. */
export function parseEncryptionHeader(value: string): EncryptionHeader {
  const [version = '', ...params] = value.split(';').map((p) => p.trim());
  const out: EncryptionHeader = { version, alg: undefined, kid: undefined };
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    const name = p.slice(0, eq).trim();
    const v = p.slice(eq + 1).trim();
    if (name === 'alg') out.alg = v;
    else if (name === 'kid') out.kid = v;
  }
  return out;
}

/** The associated data binding a ciphertext to its key id, subject and job id. */
export function associatedData(kid: string, subject: string, jobId: string): Buffer {
  return Buffer.from(
    [`jetbus-enc/${ENCRYPTION_VERSION}`, ENCRYPTION_ALGORITHM, kid, subject, jobId].join('\n'),
    'utf8',
  );
}
