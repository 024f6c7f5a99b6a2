import { type ClaimsData } from '@nats-io/jwt';
import { verifyWithPublicKey } from './node-key-pair';

const b64url = (s: string): Buffer => Buffer.from(s, 'base64url');

/**
 * Decodes a NATS JWT and verifies its signature by its issuer (`iss`), like @nats-io/jwt's
 * `decode` but with node:crypto (fast). Throws when the JWT is malformed or the signature fails.
 */
export function decodeJwt<T = unknown>(jwt: string): ClaimsData<T> {
  const parts = jwt.trim().split('.');
  if (parts.length !== 3) throw new TypeError(`invalid jwt: ${parts.length} parts`);
  const header = JSON.parse(b64url(parts[0]).toString('utf8')) as { typ?: string; alg?: string };
  if (header.typ?.toLowerCase() !== 'jwt') throw new TypeError('not a NATS jwt');
  const claims = JSON.parse(b64url(parts[1]).toString('utf8')) as ClaimsData<T>;
  // v2 ("ed25519-nkey") signs header.payload; v1 ("ed25519") the payload alone.
  const signed =
    header.alg === 'ed25519-nkey'
      ? `${parts[0]}.${parts[1]}`
      : header.alg === 'ed25519'
        ? parts[1]
        : undefined;
  if (signed === undefined) throw new TypeError(`not a NATS jwt: alg ${header.alg}`);
  if (!verifyWithPublicKey(claims.iss, new TextEncoder().encode(signed), b64url(parts[2]))) {
    throw new TypeError('jwt signature verification failed');
  }
  return claims;
}
