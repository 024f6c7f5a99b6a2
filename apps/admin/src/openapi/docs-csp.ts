import { type NextFunction, type Request, type Response } from 'express';

/**
 * The Content-Security-Policy of the Swagger UI pages, replacing the app's for `/api/docs` only.
 * Swagger UI loads its scripts from files (`'self'` is enough), but its page carries `<style>`
 * blocks and its components set `style` attributes, so styles (never scripts) may be inline here.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

export function docsCsp(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('content-security-policy', DOCS_CSP);
  next();
}
