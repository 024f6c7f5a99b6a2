import { credsUserJwt } from '@jetbus/core/wire';
import { type User } from '@nats-io/jwt';
import { decodeJwt } from '../crypto/decode-jwt';

/** Who a creds file authenticates: enough to name the user in errors. Holds no secret. */
export interface UserIdentity {
  user: string;
  publicKey?: string;
  /** Account public key (`issuer_account`, or the issuer for identity-signed users). */
  account?: string;
  expires?: Date;
}

/** Reads the user JWT of a `.creds` text (the seed is not looked at). */
export function credsIdentity(creds: string | Uint8Array): UserIdentity {
  const text = typeof creds === 'string' ? creds : new TextDecoder().decode(creds);
  const jwt = credsUserJwt(text);
  if (!jwt) throw new TypeError('not a NATS .creds file: no user JWT block');
  const claims = decodeJwt<User>(jwt);
  const identity: UserIdentity = {
    user: claims.name,
    publicKey: claims.sub,
    account: claims.nats.issuer_account ?? claims.iss,
  };
  if (claims.exp) identity.expires = new Date(claims.exp * 1000);
  return identity;
}
