import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Request } from 'express';
import { type AdminPrincipal } from './admin-principal';
import { type AdminRole, roleAllows } from './admin-role';
import { refusalOf } from './audit-refusal';
import { RefusalAudit } from './refusal-audit';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from './roles.decorator';

/**
 * Global guard: 401 without a principal, 403 when its role is below the route's `@Roles` (default
 * `viewer`). Authentication itself (session cookie, bearer token) runs before, as middleware, so
 * that this guard stays the one place that decides. A refused state-changing request is audited
 * (`access.denied`): an attempt beyond one's role leaves a trace.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly refusals: RefusalAudit,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & { principal?: AdminPrincipal }>();
    const principal = req.principal;
    if (!principal) throw new UnauthorizedException('sign in first');
    const required = this.reflector.getAllAndOverride<AdminRole>(REQUIRED_ROLE, targets) ?? 'viewer';
    if (!roleAllows(principal.role, required)) {
      const message = `this needs the ${required} role; ${principal.name} is ${principal.role}`;
      const refusal = refusalOf(req, message);
      if (refusal) await this.refusals.record(refusal);
      throw new ForbiddenException(message);
    }
    return true;
  }
}
