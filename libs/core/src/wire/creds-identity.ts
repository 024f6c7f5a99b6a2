/** Who a connection authenticates as, read from its creds file; enough to name it in errors. */
export interface ConnectionIdentity {
  /** The user JWT's `name` (else its public key); undefined without creds. */
  user: string | undefined;
  /** The user JWT's `exp`. */
  expires: Date | undefined;
}

const JWT_BLOCK = /-----BEGIN NATS USER JWT-----\s*([A-Za-z0-9_\-.=]+)\s*-+END NATS USER JWT-+/;

/** The user JWT of a `.creds` text, or undefined when it has no JWT block; the seed is not looked at. */
export function credsUserJwt(creds: string): string | undefined {
  return JWT_BLOCK.exec(creds)?.[1];
}

/** Reads name and expiry from a `.creds` text's user JWT; the seed is not looked at. */
export function readCredsIdentity(creds: string): ConnectionIdentity {
  const jwt = credsUserJwt(creds);
  if (!jwt) return { user: undefined, expires: undefined };
  try {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      name?: string;
      sub?: string;
      exp?: number;
    };
    return {
      user: claims.name || claims.sub,
      expires: typeof claims.exp === 'number' && claims.exp > 0 ? new Date(claims.exp * 1000) : undefined,
    };
  } catch {
    return { user: undefined, expires: undefined };
  }
}
