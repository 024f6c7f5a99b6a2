import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AdminRequest } from './admin-principal';
import { type AdminRole, roleAllows } from './admin-role';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from './roles.decorator';

/**
 * Global guard: 401 without a principal, 403 when its role is below the route's `@Roles` (default
 * `viewer`). Authentication itself (session cookie, bearer token) runs before, as middleware, so
 * that this guard stays the one place that decides.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const principal = context.switchToHttp().getRequest<AdminRequest>().principal;
    if (!principal) throw new UnauthorizedException('sign in first');
    const required = this.reflector.getAllAndOverride<AdminRole>(REQUIRED_ROLE, targets) ?? 'viewer';
    if (!roleAllows(principal.role, required)) {
      throw new ForbiddenException(`this needs the ${required} role; ${principal.name} is ${principal.role}`);
    }
    return true;
  }
}
