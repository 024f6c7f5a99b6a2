import { ApiProperty } from '@nestjs/swagger';

export class OidcProviderDto {
  @ApiProperty({ example: 'Single sign-on' })
  label!: string;

  @ApiProperty({ example: '/auth/oidc/login' })
  loginUrl!: string;
}

/** How one may sign in, for the login page. */
export class AuthProvidersDto {
  @ApiProperty({ description: 'whether username/password login is offered' })
  password!: boolean;

  @ApiProperty({ type: OidcProviderDto, nullable: true })
  oidc!: OidcProviderDto | null;
}
