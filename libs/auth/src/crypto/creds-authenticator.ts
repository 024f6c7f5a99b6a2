import { type Authenticator } from '@nats-io/transport-node';
import { NodeKeyPair } from './node-key-pair';

const BLOCK = /-{3,}[^\n]*-{3,}\s*\n\s*([^\n\s]+)\s*\n\s*-{3,}[^\n]*-{3,}/g;

/**
 * nats.js' `credsAuthenticator`, signing the server nonce with node:crypto instead of the
 * pure-JS ed25519 (which costs a noticeable fraction of a second per connect under Jest).
 */
export function nodeCredsAuthenticator(creds: Uint8Array): Authenticator {
  const text = new TextDecoder().decode(creds);
  const blocks = [...text.matchAll(BLOCK)].map((m) => m[1]);
  if (blocks.length < 2) throw new TypeError('unable to parse credentials');
  const [jwt, seed] = blocks;
  const kp = new NodeKeyPair(seed);
  return (nonce?: string) => ({
    jwt,
    nkey: kp.getPublicKey(),
    sig: nonce ? Buffer.from(kp.sign(new TextEncoder().encode(nonce))).toString('base64url') : '',
  });
}
