import { type RevocationRecord } from '../keystore/key-store';

/*
 * The result of compiling a policy: public keys and signed JWTs only. Seeds stay in the KeyStore;
 * `.creds` files (JWT + seed) are assembled when written (`writeArtifacts`).
 */

export interface CompiledOperator {
  name: string;
  publicKey: string;
  /** Public key of the operator signing key that signs account JWTs. */
  signingKey: string;
  jwt: string;
}

export interface CompiledAccount {
  name: string;
  /** The account id. */
  publicKey: string;
  /** Public key of the account signing key that signs its users and activations. */
  signingKey: string;
  jwt: string;
  /** The system account (`SYS`). */
  system: boolean;
  /**
   * No longer in the policy but still has keys: compiled as a tombstone (no connections, every
   * user revoked) so that pushing it cuts the account off a running server.
   */
  removed: boolean;
}

export interface CompiledUser {
  account: string;
  name: string;
  publicKey: string;
  jwt: string;
  expires?: Date;
  /** `expires` is already past at compile time: the server will refuse the user. */
  expired: boolean;
  /** The inbox prefix the user must connect with, when the policy sets one. */
  inboxPrefix?: string;
}

export interface CompiledPolicy {
  operator: CompiledOperator;
  systemAccount: CompiledAccount;
  /** All accounts, the system account first, then the policy's in order, then removed ones. */
  accounts: CompiledAccount[];
  /** Users of every account (the system user `SYS/sys` included). */
  users: CompiledUser[];
  /** Users revoked by this compile because they left the policy. */
  revoked: RevocationRecord[];
}

/**
 * JWTs of an earlier compile. Where the new claims equal the old ones (ignoring `iat` and `jti`)
 * the old JWT is kept byte for byte: recompiling an unchanged policy changes nothing, and
 * `apply` pushes only accounts whose claims really changed.
 */
export interface PreviousJwts {
  operator?: string;
  /** By account name. */
  accounts?: Record<string, string>;
  /** By `ACCOUNT/user`. */
  users?: Record<string, string>;
}
