import { isIP } from 'node:net';

/**
 * Host names a browser uses for this machine, and that no DNS answer can make point elsewhere:
 * what an app bound to loopback answers to unless `allowedHosts` says otherwise.
 */
export const LOOPBACK_HOST_NAMES: readonly string[] = ['localhost', '*.localhost', '127.0.0.1', '[::1]'];

/** Whether the app binds an address only this machine can reach (so a browser there is its only client). */
export function isLoopbackBind(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1' || /^::ffff:127\./.test(h);
}

/**
 * The host name of a `Host` header, lowercased, without its port or a final dot; undefined when
 * the header is missing or not a host name (`[v6]`, a name or an IPv4 address, then `:port`).
 */
export function hostNameOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?)(?::\d{1,5})?$/i.exec(header.trim());
  return match?.[1]?.toLowerCase().replace(/\.$/, '');
}

/** Whether `name` is one of `patterns`: an exact name, or `*.domain` for any name under domain. */
export function hostAllowed(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.startsWith('*.') ? name.endsWith(p.slice(1)) : name === p));
}
