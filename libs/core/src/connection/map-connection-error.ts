import {
  AuthenticationError,
  AuthenticationFailures,
  ConnectionError,
  type JetbusError,
  PermissionDeniedError,
} from '../errors';

/** Who a connection authenticates as, read from its creds file; enough to name it in errors. */
export interface ConnectionIdentity {
  /** The user JWT's `name` (else its public key); undefined without creds. */
  user: string | undefined;
  /** The user JWT's `exp`. */
  expires: Date | undefined;
}

/** The part of the INFO a server sends (in plain text, before any TLS) that diagnoses TLS failures. */
export interface ServerTlsInfo {
  tls_required?: boolean;
  /** The server wants a client certificate (`verify: true`). */
  tls_verify?: boolean;
}

export interface ConnectionErrorContext extends ConnectionIdentity {
  servers: string[];
  /** @default new Date() */
  now?: Date;
  /** The client has a certificate configured (`tls.certFile` or `tls.cert`). */
  clientCertificate?: boolean;
  /** The server's INFO, when it was read to diagnose the failure. */
  serverInfo?: ServerTlsInfo;
  /** A server URL is `tls://`: TLS is required by the URL, with or without TLS options. */
  tlsUrl?: boolean;
}

const JWT_BLOCK = /-----BEGIN NATS USER JWT-----\s*([A-Za-z0-9_\-.=]+)\s*-+END NATS USER JWT-+/;

/** Reads name and expiry from a `.creds` text's user JWT; the seed is not looked at. */
export function readCredsIdentity(creds: string): ConnectionIdentity {
  const jwt = JWT_BLOCK.exec(creds)?.[1];
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

type ErrorLike = Error & { code?: unknown };

// Duck-typed, not `instanceof Error`: Node's TLS errors come from another realm under Jest's vm.
const isErrorLike = (e: unknown): e is ErrorLike =>
  typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string';

function* causes(e: unknown): Generator<ErrorLike> {
  for (let cur = e, depth = 0; isErrorLike(cur) && depth < 8; cur = cur.cause, depth++) yield cur;
}

/**
 * An auth refusal in what nats.js reports (a rejected connect, a status error, a close reason) as
 * `AuthenticationError`; undefined when it is something else. Matched by name and by the server's
 * words, which is all nats.js 3.4 exposes:
 * - "User Authentication Revoked" (a `ProtocolError`): a live connection whose key was revoked;
 * - "User Authentication Expired" / "Account Authentication Expired": expiry of a live connection;
 * - "Authorization Violation" (`AuthorizationError`): any refusal at connect. nats-server 2.9.10
 *   says exactly this for an unknown, revoked or expired user alike; an expired JWT is the one
 *   reason visible locally, from the creds.
 */
export function toAuthenticationError(
  e: unknown,
  ctx: ConnectionErrorContext,
): AuthenticationError | undefined {
  const now = ctx.now ?? new Date();
  for (const c of causes(e)) {
    const text = c.message.toLowerCase();
    if (text.includes('user authentication revoked')) {
      return new AuthenticationError(ctx.user, AuthenticationFailures.Revoked, ctx.servers, {
        cause: e,
        serverMessage: c.message,
      });
    }
    if (
      c.name === 'UserAuthenticationExpiredError' ||
      text.includes('user authentication expired') ||
      text.includes('account authentication expired')
    ) {
      return new AuthenticationError(ctx.user, AuthenticationFailures.Expired, ctx.servers, {
        cause: e,
        serverMessage: c.message,
        expiredAt: ctx.expires,
      });
    }
    if (c.name === 'AuthorizationError' || text.includes('authorization violation')) {
      const expired = ctx.expires !== undefined && ctx.expires.getTime() <= now.getTime();
      return new AuthenticationError(
        ctx.user,
        expired ? AuthenticationFailures.Expired : AuthenticationFailures.AuthorizationViolation,
        ctx.servers,
        { cause: e, serverMessage: c.message, expiredAt: ctx.expires },
      );
    }
  }
  return undefined;
}

/**
 * The permission violation behind a rejected request (nats.js rejects it with a `RequestError`
 * whose cause is the `PermissionViolationError`), or a status error, as `PermissionDeniedError`.
 */
export function toPermissionDeniedError(
  e: unknown,
  user: string | undefined,
  /** Named when the violation does not say which subject it was. */
  subject = '(unknown subject)',
): PermissionDeniedError | undefined {
  for (const c of causes(e)) {
    if (c.name !== 'PermissionViolationError') continue;
    const v = c as Error & { operation?: string; subject?: string };
    return new PermissionDeniedError(
      v.operation === 'subscription' ? 'subscribe' : 'publish',
      v.subject || subject,
      user,
      { cause: e },
    );
  }
  return undefined;
}

// Node's codes for a server certificate the client does not trust.
const UNTRUSTED_SERVER = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
]);

const CLIENT_CERTIFICATE_ALERT =
  /^ERR_SSL_(SSLV3|TLSV1|TLSV13)_ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA)$/;
const NO_CLIENT_CERTIFICATE =
  'the server requires a client certificate (mutual TLS) and none was given: set tls.certFile and tls.keyFile';

/** A TLS failure in words that say what to change, or undefined when `e` is no TLS failure. */
function tlsProblem(e: unknown, ctx: ConnectionErrorContext): string | undefined {
  for (const c of causes(e)) {
    const code = typeof c.code === 'string' ? c.code : '';
    // The server's alert when it wants a client certificate (`verify: true`) and got none or one it
    // does not trust: "bad certificate" up to TLS 1.2, "certificate required" on 1.3.
    if (CLIENT_CERTIFICATE_ALERT.test(code)) {
      return ctx.clientCertificate
        ? `the server refused the client certificate (${code}): it must be signed by a CA in the server's ca_file`
        : NO_CLIENT_CERTIFICATE;
    }
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      return `the server's TLS certificate is not valid for this host (${c.message})`;
    }
    if (UNTRUSTED_SERVER.has(code)) {
      return `the server's TLS certificate is not trusted (${c.message}); set tls.caFile to the CA that signed it`;
    }
    if (/server does not support 'tls'|tls.*is not available on this server/i.test(c.message)) {
      return ctx.tlsUrl
        ? `the URL says tls:// but the server does not offer TLS; jetbus will not fall back to plain text (${c.message})`
        : `TLS options were given but the server does not offer TLS (${c.message})`;
    }
  }
  // The alert comes after the handshake, so it often reaches nats.js only as a reset connection or,
  // with reconnects on, not at all (a timeout). The server's INFO says it wants a certificate.
  if (ctx.serverInfo?.tls_verify) {
    const said = isErrorLike(e) ? e.message : String(e);
    return ctx.clientCertificate
      ? `the server requires a client certificate (mutual TLS) and dropped the connection after the TLS ` +
          `handshake: is tls.certFile signed by a CA in the server's ca_file? (${said})`
      : NO_CLIENT_CERTIFICATE;
  }
  return undefined;
}

/**
 * What `connect()` rejects with, as one jetbus error: `AuthenticationError` for refused
 * credentials, `ConnectionError` with a TLS diagnosis or nats.js' own words otherwise.
 */
export function mapConnectionError(e: unknown, ctx: ConnectionErrorContext): JetbusError {
  const auth = toAuthenticationError(e, ctx);
  if (auth) return auth;
  const tls = tlsProblem(e, ctx);
  const detail = tls ?? (isErrorLike(e) ? e.message : String(e));
  return new ConnectionError(ctx.servers, detail, { cause: e });
}
