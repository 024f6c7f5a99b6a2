import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { ADMIN_OPTIONS, type ResolvedAdminOptions } from '../options/resolve-admin-options';
import { AuthController } from './auth.controller';
import { CsrfGuard } from './csrf.guard';
import { LocalUsersService } from './local-users.service';
import { LoginFailures } from './login-failures';
import { OidcController } from './oidc/oidc.controller';
import { OidcLoginService } from './oidc/oidc-login.service';

/**
 * Sign-in and sign-out (password, OIDC), the session endpoints, and the global CSRF guard. The
 * login limiter counts per client IP (`loginLimit.max`), only on the routes that check credentials;
 * `LoginFailures` counts failed passwords per user name (`loginLimit.failuresPerUser`).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [ADMIN_OPTIONS],
      useFactory: (options: ResolvedAdminOptions) => ({
        // Named 'default' so the answer carries the standard Retry-After header (not Retry-After-<name>).
        throttlers: [{ name: 'default', ttl: options.loginLimit.windowMs, limit: options.loginLimit.max }],
        errorMessage: 'too many sign-in attempts from this address; try again later',
      }),
    }),
  ],
  controllers: [AuthController, OidcController],
  providers: [
    LocalUsersService,
    OidcLoginService,
    {
      provide: LoginFailures,
      inject: [ADMIN_OPTIONS],
      useFactory: ({ loginLimit }: ResolvedAdminOptions) =>
        new LoginFailures(loginLimit.failuresPerUser, loginLimit.lockoutMs),
    },
    { provide: APP_GUARD, useClass: CsrfGuard },
  ],
})
export class AuthModule {}
