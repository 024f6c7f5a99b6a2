import { Controller, ForbiddenException, Get, Req, Res, UseGuards } from '@nestjs/common';
import { ApiForbiddenResponse, ApiFoundResponse, ApiSeeOtherResponse, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { type Request, type Response } from 'express';
import { AuditService } from '../../audit/audit.service';
import { type AdminPrincipal } from '../admin-principal';
import { startAuditedSession } from '../admin-session';
import { Public } from '../roles.decorator';
import { OIDC_TRANSACTION_TTL_MS } from './oidc-transactions';
import { type OidcIdentity, OidcLoginService } from './oidc-login.service';

/** The browser's handle on its sign-in under way; only the OIDC routes ever see it. */
const TRANSACTION_COOKIE = 'jetbus.oidc';
const COOKIE_PATH = '/auth/oidc';

/** Reads one cookie from the request (the app has no cookie parser: sessions read their own). */
function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

@ApiTags('auth')
@Controller('auth/oidc')
export class OidcController {
  constructor(
    private readonly oidc: OidcLoginService,
    private readonly audit: AuditService,
  ) {}

  /** Sends the browser to the provider, holding the transaction id in a Lax cookie for the way back. */
  @Get('login')
  @Public()
  // Each start keeps a transaction, and the app keeps at most 10,000 (the oldest go first): unlimited,
  // one address could push out everyone's sign-in under way. Counted per address like the callback.
  @UseGuards(ThrottlerGuard)
  @ApiFoundResponse({ description: "redirect to the provider's authorization endpoint" })
  async login(@Req() req: Request, @Res() res: Response): Promise<void> {
    const { url, transactionId } = await this.oidc.begin();
    res.cookie(TRANSACTION_COOKIE, transactionId, {
      httpOnly: true,
      // Lax: sent on the provider's top-level redirect back, never on a cross-site subrequest.
      sameSite: 'lax',
      secure: req.secure,
      path: COOKIE_PATH,
      maxAge: OIDC_TRANSACTION_TTL_MS,
    });
    res.redirect(302, url.href);
  }

  /**
   * The provider's redirect back: code for tokens, role from the claim, then a session like a
   * password login's (via `oidc`). Every outcome is audited, failures included.
   */
  @Get('callback')
  @Public()
  @UseGuards(ThrottlerGuard)
  @ApiSeeOtherResponse({ description: 'signed in: redirect to the UI' })
  @ApiForbiddenResponse({ description: 'state, nonce or PKCE check failed, or no role for this user' })
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    // Not configured is a plain 404, not a failed sign-in to audit.
    this.oidc.required();
    res.clearCookie(TRANSACTION_COOKIE, {
      path: COOKIE_PATH,
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
    });
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    const action = (name: string) => ({ action: 'auth.login', target: name });
    let identity: OidcIdentity;
    try {
      identity = await this.oidc.finish(cookie(req, TRANSACTION_COOKIE), query);
    } catch (e) {
      const unknown: AdminPrincipal = { name: 'unknown', role: 'viewer', via: 'oidc' };
      const message = e instanceof Error ? e.message : String(e);
      await this.audit.record({ principal: unknown, ip: req.ip }, action('unknown'), 'error', message);
      throw e;
    }
    if (!identity.role) {
      const message = `${identity.name} has no jetbus role`;
      // The entry type needs a role; a refused caller holds none, so the least one is written.
      const refused: AdminPrincipal = { name: identity.name, role: 'viewer', via: 'oidc' };
      await this.audit.record({ principal: refused, ip: req.ip }, action(identity.name), 'error', message);
      throw new ForbiddenException(message);
    }
    const principal: AdminPrincipal = { name: identity.name, role: identity.role, via: 'oidc' };
    await startAuditedSession(this.audit, { principal, ip: req.ip }, action(identity.name), req);
    res.redirect(303, '/');
  }
}
