import { HttpStatus } from '@nestjs/common';
import { type NextFunction, type Request, type Response } from 'express';
import { hostAllowed, hostNameOf } from './allowed-hosts';

/** The `code` of a request refused for its `Host` header. */
export const HOST_NOT_ALLOWED_CODE = 'HOST_NOT_ALLOWED';

/** Longest Host header quoted back (the header is the caller's text). */
const QUOTED_MAX = 100;

/**
 * Express middleware, first in line: a request whose `Host` header is not one of `allowed` is a
 * 421 before anything reads its body, its cookie or its token. This defeats DNS rebinding: a page
 * on attacker.example whose name is made to resolve to 127.0.0.1 reaches the app with
 * `Host: attacker.example` and the browser treats the answers as that site's, cookies aside. The
 * raw `Host` header is checked, never `X-Forwarded-Host`, which such a page may set itself.
 */
export function rejectOtherHosts(allowed: readonly string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers.host;
    const name = hostNameOf(header);
    if (name !== undefined && hostAllowed(name, allowed)) {
      next();
      return;
    }
    const quoted = (header ?? '').slice(0, QUOTED_MAX);
    res.status(HttpStatus.MISDIRECTED).json({
      statusCode: HttpStatus.MISDIRECTED,
      error: 'MISDIRECTED',
      message: header
        ? `this app does not answer to the host "${quoted}" (allowedHosts)`
        : 'a Host header is required (allowedHosts)',
      code: HOST_NOT_ALLOWED_CODE,
    });
  };
}
