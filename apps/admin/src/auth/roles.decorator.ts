import { SetMetadata } from '@nestjs/common';
import { type AdminRole } from './admin-role';

export const REQUIRED_ROLE = 'jetbus:admin:role';
export const PUBLIC_ROUTE = 'jetbus:admin:public';

/**
 * The least role a route needs. Every route of the admin app requires a signed-in caller; a route
 * (or controller) without `@Roles` needs `viewer`.
 */
export const Roles = (role: AdminRole): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLE, role);

/** A route anyone may call (login, health): the only way around authentication. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
