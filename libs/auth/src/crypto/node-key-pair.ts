import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign, verify } from 'node:crypto';
import { type KeyPair } from '@nats-io/nkeys';
import { decodeKey, decodeSeed, encodeKey, encodeSeed, NKeyPrefixes, type NKeyRole } from './nkey-codec';

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

/** A node:crypto key object for a raw ed25519 public key. */
export function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
}

/**
 * An NKey pair (the `KeyPair` of @nats-io/nkeys, so @nats-io/jwt accepts it) that signs and
 * verifies with node:crypto's native ed25519. Same seeds, keys and signatures as @nats-io/nkeys.
 */
export class NodeKeyPair implements KeyPair {
  private seed: string;
  private readonly privateKey: KeyObject;
  private readonly publicRaw: Uint8Array;
  private readonly publicText: string;

  constructor(seed: string) {
    const decoded = decodeSeed(seed);
    this.seed = seed;
    this.privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519, decoded.seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const spki = createPublicKey(this.privateKey).export({ format: 'der', type: 'spki' });
    this.publicRaw = Uint8Array.from(spki.subarray(spki.length - 32));
    this.publicText = encodeKey(decoded.role, this.publicRaw);
  }

  /** A new random key of the given role. */
  static create(role: NKeyRole): NodeKeyPair {
    return new NodeKeyPair(encodeSeed(role, randomBytes(32)));
  }

  getPublicKey(): string {
    return this.publicText;
  }

  getPrivateKey(): Uint8Array {
    const { seed } = decodeSeed(this.seed);
    const full = new Uint8Array(64);
    full.set(seed);
    full.set(this.publicRaw, 32);
    return new TextEncoder().encode(encodeKey(NKeyPrefixes.Private, full));
  }

  getSeed(): Uint8Array {
    return new TextEncoder().encode(this.seed);
  }

  sign(input: Uint8Array): Uint8Array {
    return Uint8Array.from(sign(null, input, this.privateKey));
  }

  verify(input: Uint8Array, sig: Uint8Array): boolean {
    return verify(null, input, publicKeyObject(this.publicRaw), sig);
  }

  clear(): void {
    this.seed = '';
  }

  seal(): Uint8Array {
    throw new TypeError('only curve keys can seal');
  }

  open(): Uint8Array | null {
    throw new TypeError('only curve keys can open');
  }

  /** Never print the seed, whatever a caller logs. */
  toJSON(): { publicKey: string } {
    return { publicKey: this.publicText };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `NodeKeyPair(${this.publicText})`;
  }
}

/** Verifies an ed25519 signature by an `O…`/`A…`/`U…` public key. */
export function verifyWithPublicKey(publicKey: string, input: Uint8Array, sig: Uint8Array): boolean {
  return verify(null, input, publicKeyObject(decodeKey(publicKey).key), sig);
}
