import { ConnectionError, type JetbusError } from '../errors';
import {
  type AuthErrorContext,
  errorCauses as causes,
  isErrorLike,
  toAuthenticationError,
} from '../wire/auth-errors';

// The auth part of the translation is wire contract (shared with @jetbus/auth): it lives in wire/.
export { toAuthenticationError, toPermissionDeniedError } from '../wire/auth-errors';
export { type ConnectionIdentity, readCredsIdentity } from '../wire/creds-identity';

/** The part of the INFO a server sends (in plain text, before any TLS) that diagnoses TLS failures. */
export interface ServerTlsInfo {
  tls_required?: boolean;
  /** The server wants a client certificate (`verify: true`). */
  tls_verify?: boolean;
}

export interface ConnectionErrorContext extends AuthErrorContext {
  /** The client has a certificate configured (`tls.certFile` or `tls.cert`). */
  clientCertificate?: boolean;
  /** The server's INFO, when it was read to diagnose the failure. */
  serverInfo?: ServerTlsInfo;
  /** A server URL is `tls://`: TLS is required by the URL, with or without TLS options. */
  tlsUrl?: boolean;
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
