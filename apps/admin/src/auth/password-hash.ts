import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';

/**
 * scrypt cost: N=2^15, r=8, p=1 (OWASP's floor for scrypt), a 16-byte salt and a 32-byte key. The
 * parameters travel inside every hash, so raising them later does not invalidate older ones.
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const;

/** Highest N a stored hash may ask for: a typo in the config must not make every login take minutes. */
const MAX_N = 2 ** 20;

const HASH_FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** scrypt needs 128·N·r bytes; Node refuses anything above 32 MiB unless told, and N=2^15 is exactly that. */
const maxmem = (N: number, r: number): number => 256 * N * r;

function derive(password: string, salt: Buffer, keyBytes: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyBytes, options, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

/** `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`: the format `AdminUserOptions.passwordHash` expects. */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, saltBytes, keyBytes } = SCRYPT_PARAMS;
  const salt = randomBytes(saltBytes);
  const key = await derive(password, salt, keyBytes, { N, r, p, maxmem: maxmem(N, r) });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Whether `password` is the one `hash` was made from, compared in constant time. A malformed hash
 * (or one with absurd parameters) never matches; the config validation already refuses most of them.
 */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const match = HASH_FORMAT.exec(hash);
  if (!match) return false;
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const salt = Buffer.from(match[4], 'base64');
  const expected = Buffer.from(match[5], 'base64');
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > MAX_N || r < 1 || r > 32 || p < 1 || p > 16 || expected.length < 16) return false;
  const key = await derive(password, salt, expected.length, { N, r, p, maxmem: maxmem(N, r) });
  return timingSafeEqual(key, expected);
}
