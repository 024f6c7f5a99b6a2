import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import { type AdminPrincipal, type AdminRequest } from './admin-principal';

/** The signed-in caller (the roles guard has already refused anonymous requests). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AdminPrincipal | undefined =>
    ctx.switchToHttp().getRequest<AdminRequest>().principal,
);
