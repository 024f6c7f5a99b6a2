import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { type NextFunction, type Request, type Response } from 'express';
import { ADMIN_OPTIONS, type ResolvedAdminOptions } from '../options/resolve-admin-options';
import { type AdminPrincipal } from './admin-principal';
import { bearerToken, principalForToken } from './bearer-token';

/** `req.session` is express-session's, its fields declared in admin-session.ts. */
type AuthenticatedRequest = Request & { principal?: AdminPrincipal };

/**
 * Sets `req.principal` from a bearer token (scripts) or the signed-in session (the web UI). A
 * request with an `Authorization` header is judged by it alone: a bad token is never rescued by a
 * cookie that happens to ride along.
 */
@Injectable()
export class AuthenticateMiddleware implements NestMiddleware {
  constructor(@Inject(ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions) {}

  use(req: AuthenticatedRequest, _res: Response, next: NextFunction): void {
    if (req.headers.authorization !== undefined) {
      const token = bearerToken(req.headers.authorization);
      req.principal = token ? principalForToken(token, this.options.tokens) : undefined;
    } else {
      req.principal = req.session?.principal;
    }
    next();
  }
}
