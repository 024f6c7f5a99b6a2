import {
  type KeyObject,
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  randomFillSync,
} from 'node:crypto';
import { NONCE_BYTES, TAG_BYTES } from './wire-format';

/**
 * Each raw key imported once: given bytes, node:crypto imports the key again on every cipher.
 * Keyed by the ring's own key bytes, so a retired key's entry goes with it.
 */
const keyObjects = new WeakMap<Uint8Array, KeyObject>();
const keyObject = (key: Uint8Array): KeyObject => {
  let k = keyObjects.get(key);
  if (!k) keyObjects.set(key, (k = createSecretKey(key)));
  return k;
};

/**
 * Nonces are cut from a buffer of CSPRNG bytes filled 1,024 nonces at a time: one `randomBytes`
 * call per job cost more than the cipher. Every byte is used once; refilled only when all are.
 */
const NONCES_PER_FILL = 1_024;
const noncePool = Buffer.alloc(NONCE_BYTES * NONCES_PER_FILL);
let nextNonce = noncePool.length;
function freshNonce(): Buffer {
  if (nextNonce === noncePool.length) {
    randomFillSync(noncePool);
    nextNonce = 0;
  }
  // A view: the cipher and Buffer.concat below copy it before the pool is filled again.
  const nonce = noncePool.subarray(nextNonce, nextNonce + NONCE_BYTES);
  nextNonce += NONCE_BYTES;
  return nonce;
}

/** AES-256-GCM with a fresh random 96-bit nonce: `nonce || ciphertext || tag`. */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  const nonce = freshNonce();
  const cipher = createCipheriv('aes-256-gcm', keyObject(key), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const final = cipher.final();
  return Buffer.concat([nonce, body, final, cipher.getAuthTag()]);
}

/**
 * Opens what `seal` produced, or returns `undefined` when GCM's authentication fails (any flipped
 * bit of nonce, ciphertext, tag or associated data, or another key). The caller checked the length.
 */
export function open(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Buffer | undefined {
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', keyObject(key), nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const body = decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([body, decipher.final()]);
  } catch {
    return undefined;
  }
}
