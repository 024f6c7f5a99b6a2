import { ApiProperty } from '@nestjs/swagger';
import { ADMIN_ROLES, type AdminRole } from '../admin-role';
import { type AdminPrincipal } from '../admin-principal';

/** The signed-in caller, as login and `GET /api/auth/session` answer. */
export class SessionDto {
  @ApiProperty({ example: 'alice' })
  name!: string;

  @ApiProperty({ enum: ADMIN_ROLES })
  role!: AdminRole;

  @ApiProperty({ enum: ['password', 'oidc', 'token'] })
  via!: AdminPrincipal['via'];

  /** Echo it in `x-csrf-token` on every POST, PUT, PATCH and DELETE. */
  @ApiProperty({ description: 'send as x-csrf-token on POST/PUT/PATCH/DELETE' })
  csrfToken!: string;
}
