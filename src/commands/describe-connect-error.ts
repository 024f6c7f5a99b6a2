type ErrorLike = Error & { code?: unknown };

const isErrorLike = (e: unknown): e is ErrorLike =>
  typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string';

/** `e` and its causes, outermost first. */
function* causes(e: unknown): Generator<ErrorLike> {
  for (let cur = e, depth = 0; isErrorLike(cur) && depth < 8; cur = cur.cause, depth++) yield cur;
}

/**
 * What a failed nats.js `connect()` means, in a few words for the end of "cannot connect to NATS at
 * <url>: …". nats.js 3.4 reports several failures without a useful message: a server that closes
 * the connection before its INFO rejects with `undefined` (turned into "node provided an undefined
 * error"), a silent port with a bare "timeout".
 */
export function describeConnectError(e: unknown, context: { timeoutMs: number }): string {
  for (const c of causes(e)) {
    const code = typeof c.code === 'string' ? c.code : '';
    const text = c.message.toLowerCase();
    if (code === 'ECONNREFUSED' || text === 'connection refused') return 'connection refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `unknown host (${code})`;
    if (code === 'ECONNRESET' || code === 'EPIPE') return 'the server reset the connection';
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `host unreachable (${code})`;
    if (c.name === 'TimeoutError' || text === 'timeout')
      return `no NATS server answered within ${context.timeoutMs} ms (--timeout)`;
    if (text.includes("server does not support 'tls'") || text.includes('is not available on this server'))
      return 'TLS is required (tls:// or --tls-* options) but the server does not offer it';
    if (text.includes('undefined error')) return 'the server closed the connection before the NATS handshake';
    if (text.includes('unexpected response from server')) return 'the peer is not a NATS server';
    if (text.includes('authorization violation'))
      return 'authorization violation: the server refused these credentials';
    if (text.includes('authentication expired')) return 'the credentials have expired';
    if (text.includes('revoked')) return 'the credentials were revoked';
  }
  if (isErrorLike(e)) return e.message || e.name;
  return e === undefined ? 'the server closed the connection' : String(e);
}
