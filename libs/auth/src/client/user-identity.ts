import { decodeJwt } from '../crypto/decode-jwt';
import { type User } from '@nats-io/jwt';

/** Who a creds file authenticates: enough to name the user in errors. Holds no secret. */
export interface UserIdentity {
  user: string;
  publicKey?: string;
  /** Account public key (`issuer_account`, or the issuer for identity-signed users). */
  account?: string;
  expires?: Date;
}

const JWT_BLOCK = /-----BEGIN NATS USER JWT-----\s*([A-Za-z0-9_\-.=]+)\s*-+END NATS USER JWT-+/;

/** Reads the user JWT of a `.creds` text (the seed is not looked at). */
export function credsIdentity(creds: string | Uint8Array): UserIdentity {
  const text = typeof creds === 'string' ? creds : new TextDecoder().decode(creds);
  const m = JWT_BLOCK.exec(text);
  if (!m) throw new TypeError('not a NATS .creds file: no user JWT block');
  const claims = decodeJwt<User>(m[1]);
  const identity: UserIdentity = {
    user: claims.name,
    publicKey: claims.sub,
    account: claims.nats.issuer_account ?? claims.iss,
  };
  if (claims.exp) identity.expires = new Date(claims.exp * 1000);
  return identity;
}
