import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Request } from 'express';
import { type AdminPrincipal } from './admin-principal';
import { UNSAFE_METHODS, refusalOf } from './audit-refusal';
import { RefusalAudit } from './refusal-audit';
import { csrfTokenMatches } from './csrf-token';
import { PUBLIC_ROUTE } from './roles.decorator';

export const CSRF_HEADER = 'x-csrf-token';

/**
 * Global guard: a state-changing request signed in by the session cookie (an ambient credential
 * the browser attaches by itself) must echo the session's synchronizer token in `x-csrf-token`.
 * Bearer-token callers are exempt: a token is never attached by a browser on its own. Public routes
 * act for nobody; login defends itself with SameSite=Strict and an Origin check. A refusal is
 * audited (`access.denied`): it may be a forged request riding on someone's session.
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly refusals: RefusalAudit,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & { principal?: AdminPrincipal }>();
    if (!UNSAFE_METHODS.has(req.method) || !req.principal || req.principal.via === 'token') return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) {
      return true;
    }
    if (!csrfTokenMatches(req.session?.csrfToken, req.headers[CSRF_HEADER])) {
      const message = `missing or wrong ${CSRF_HEADER} header`;
      const refusal = refusalOf(req, message);
      if (refusal) await this.refusals.record(refusal);
      throw new ForbiddenException(message);
    }
    return true;
  }
}
