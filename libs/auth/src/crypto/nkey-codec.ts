/*
 * The NKey text encoding (base32 of prefix + key + CRC16/XMODEM, little endian), as
 * @nats-io/nkeys and the Go library write it. Reimplemented here so signing can use node:crypto:
 * the pure-JS ed25519 of @nats-io/nkeys takes tens of milliseconds per signature (hundreds under
 * Jest), which made compiling a policy take seconds.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Public key prefix bytes, as in @nats-io/nkeys' `Prefix`. */
export const NKeyPrefixes = {
  Seed: 18 << 3,
  Private: 15 << 3,
  Operator: 14 << 3,
  Account: 0,
  User: 20 << 3,
} as const;

export type NKeyRole = typeof NKeyPrefixes.Operator | typeof NKeyPrefixes.Account | typeof NKeyPrefixes.User;

function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

function base32Decode(text: string): Uint8Array {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new TypeError('invalid nkey encoding');
    buffer = ((buffer << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

function withChecksum(payload: Uint8Array): string {
  const raw = new Uint8Array(payload.length + 2);
  raw.set(payload);
  const sum = crc16(payload);
  raw[payload.length] = sum & 0xff;
  raw[payload.length + 1] = sum >>> 8;
  return base32Encode(raw);
}

function checked(text: string): Uint8Array {
  const raw = base32Decode(text);
  if (raw.length < 4) throw new TypeError('invalid nkey encoding');
  const payload = raw.subarray(0, raw.length - 2);
  const sum = raw[raw.length - 2] | (raw[raw.length - 1] << 8);
  if (crc16(payload) !== sum) throw new TypeError('invalid nkey checksum');
  return payload;
}

/** `O…`, `A…`, `U…` (and `P…` for private keys) from the raw key bytes. */
export function encodeKey(prefix: number, key: Uint8Array): string {
  const payload = new Uint8Array(key.length + 1);
  payload[0] = prefix;
  payload.set(key, 1);
  return withChecksum(payload);
}

/** The raw 32-byte ed25519 public key of `O…`/`A…`/`U…`, and its prefix. */
export function decodeKey(text: string): { prefix: number; key: Uint8Array } {
  const payload = checked(text);
  if (payload.length !== 33) throw new TypeError('invalid public nkey length');
  return { prefix: payload[0], key: payload.slice(1) };
}

/** `SO…`, `SA…`, `SU…` from a raw 32-byte seed. */
export function encodeSeed(role: NKeyRole, seed: Uint8Array): string {
  if (seed.length !== 32) throw new TypeError('an nkey seed has 32 bytes');
  const payload = new Uint8Array(34);
  payload[0] = NKeyPrefixes.Seed | (role >> 5);
  payload[1] = (role & 31) << 3;
  payload.set(seed, 2);
  return withChecksum(payload);
}

/** The raw seed and public key role of an `S…` seed. */
export function decodeSeed(text: string): { role: number; seed: Uint8Array } {
  const payload = checked(text);
  if (payload.length !== 34 || (payload[0] & 248) !== NKeyPrefixes.Seed)
    throw new TypeError('not an nkey seed');
  const role = ((payload[0] & 7) << 5) | ((payload[1] & 248) >> 3);
  return { role, seed: payload.slice(2) };
}
