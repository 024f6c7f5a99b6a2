import { type Request } from 'express';

/**
 * Whether a browser says the request comes from another site: an `Origin` header that is not this
 * app's own origin, or `Sec-Fetch-Site: cross-site`. Clients that send neither (curl, scripts) are
 * not browsers riding on someone's cookies, and pass.
 */
export function isCrossSite(req: Request): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  const host = req.headers.host;
  return !host || (origin !== `http://${host}` && origin !== `https://${host}`);
}
