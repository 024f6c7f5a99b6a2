import { type NextFunction, type Request, type Response } from 'express';

/**
 * Express middleware for the API and `/metrics`, and the one place their Cache-Control is set: the
 * answers hold job payloads, headers, error texts, the audit trail and the session's CSRF token,
 * none of which a browser's disk cache or a proxy on the way should keep (a shared machine, the
 * back button after sign-out). A route may still set its own Cache-Control after this.
 */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}
