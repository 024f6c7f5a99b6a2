import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  NotFoundException,
  Post,
  Req,
  Res,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { type Request, type Response } from 'express';
import { AuditService } from '../audit/audit.service';
import { type AdminPrincipal } from './admin-principal';
import { SESSION_COOKIE, type SessionView, endSession, startAuditedSession } from './admin-session';
import { AuthProvidersDto } from './dto/auth-providers.dto';
import { LoginDto } from './dto/login.dto';
import { SessionDto } from './dto/session.dto';
import { LocalUsersService } from './local-users.service';
import { LoginFailures } from './login-failures';
import { OIDC_LOGIN_PATH, OidcLoginService } from './oidc/oidc-login.service';
import { Public } from './roles.decorator';
import { isCrossSite } from './same-origin';

/** One message for an unknown name and a wrong password: the answer must not tell which it was. */
const BAD_CREDENTIALS = 'invalid username or password';

/** The refusal once a user name has failed `loginLimit.failuresPerUser` times; the same for unknown names. */
const LOCKED_OUT = 'too many failed sign-ins for this user; try again later';

type PrincipalRequest = Request & { principal?: AdminPrincipal };

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly users: LocalUsersService,
    private readonly oidc: OidcLoginService,
    private readonly audit: AuditService,
    private readonly failures: LoginFailures,
  ) {}

  /** Password login: a new session (new id, new CSRF token) and an `auth.login` audit entry either way. */
  @Post('login')
  @Public()
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  @ApiOkResponse({ type: SessionDto, description: 'sets the HttpOnly jetbus.sid cookie' })
  @ApiUnauthorizedResponse({ description: BAD_CREDENTIALS })
  @ApiForbiddenResponse({ description: 'a cross-site Origin' })
  @ApiTooManyRequestsResponse({
    description: 'too many attempts from this address, or too many failures for this user name',
  })
  async login(
    @Body() body: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionView> {
    // SameSite=Strict keeps other sites' requests from carrying our cookie; this also keeps them
    // from signing a victim's browser into an attacker's account (login CSRF).
    if (isCrossSite(req)) throw new ForbiddenException('cross-site login refused');
    if (!this.users.enabled) throw new NotFoundException('password login is not configured');
    const action = { action: 'auth.login', target: body.username };
    // The entry type needs a role; a refused caller holds none, so the least one is written.
    const attempted: AdminPrincipal = { name: body.username, role: 'viewer', via: 'password' };
    const waitMs = this.failures.admit(body.username);
    if (waitMs > 0) {
      await this.audit.record({ principal: attempted, ip: req.ip }, action, 'error', LOCKED_OUT);
      res.setHeader('Retry-After', String(Math.ceil(waitMs / 1000)));
      throw new HttpException(LOCKED_OUT, HttpStatus.TOO_MANY_REQUESTS);
    }
    let principal: AdminPrincipal | undefined;
    try {
      principal = await this.users.authenticate(body.username, body.password);
    } finally {
      this.failures.settle(body.username, principal !== undefined);
    }
    if (!principal) {
      await this.audit.record({ principal: attempted, ip: req.ip }, action, 'error', BAD_CREDENTIALS);
      throw new UnauthorizedException(BAD_CREDENTIALS);
    }
    return startAuditedSession(this.audit, { principal, ip: req.ip }, action, req);
  }

  /** Ends the session (server-side) and clears the cookie; a token caller has none and gets 204 too. */
  @Post('logout')
  @HttpCode(204)
  @ApiCookieAuth()
  @ApiBearerAuth()
  @ApiNoContentResponse()
  async logout(@Req() req: PrincipalRequest, @Res({ passthrough: true }) res: Response): Promise<void> {
    const principal = req.principal;
    if (!principal || principal.via === 'token') return;
    await this.audit.run({ principal, ip: req.ip }, { action: 'auth.logout', target: principal.name }, () =>
      endSession(req),
    );
    res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: req.secure });
  }

  /** Who is signed in, with the CSRF token the UI must echo (it cannot read the HttpOnly cookie). */
  @Get('session')
  @ApiCookieAuth()
  @ApiBearerAuth()
  @ApiOkResponse({ type: SessionDto })
  @ApiUnauthorizedResponse({ description: 'not signed in' })
  session(@Req() req: PrincipalRequest): SessionView {
    // The roles guard has refused anonymous callers already.
    const principal = req.principal as AdminPrincipal;
    // A token caller sends no cookie, so it needs no CSRF token.
    const csrfToken = principal.via === 'token' ? '' : (req.session?.csrfToken ?? '');
    return { name: principal.name, role: principal.role, via: principal.via, csrfToken };
  }

  /** What the login page offers. */
  @Get('providers')
  @Public()
  @ApiOkResponse({ type: AuthProvidersDto })
  providers(): AuthProvidersDto {
    const oidc = this.oidc.settings;
    return {
      password: this.users.enabled,
      oidc: oidc ? { label: oidc.label, loginUrl: OIDC_LOGIN_PATH } : null,
    };
  }
}
