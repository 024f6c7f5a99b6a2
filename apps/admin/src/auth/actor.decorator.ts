import { type ExecutionContext, UnauthorizedException, createParamDecorator } from '@nestjs/common';
import { type AuditActor } from '../audit/audit.service';
import { type AdminRequest } from './admin-principal';

/** The caller and their IP, as the audit trail records them: `@Actor() actor: AuditActor`. */
export const Actor = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuditActor => {
  const req = ctx.switchToHttp().getRequest<AdminRequest>();
  if (!req.principal) throw new UnauthorizedException('sign in first');
  return { principal: req.principal, ip: req.ip };
});
