import {
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
  type OnModuleInit,
  ServiceUnavailableException,
} from '@nestjs/common';
import { type Logger } from 'pino';
import * as client from 'openid-client';
import { ADMIN_LOGGER } from '../../admin-logger';
import {
  ADMIN_OPTIONS,
  type ResolvedAdminOptions,
  type ResolvedOidcOptions,
} from '../../options/resolve-admin-options';
import { type AdminPrincipal } from '../admin-principal';
import { roleFromClaim } from './oidc-role';
import { OidcTransactions } from './oidc-transactions';

export const OIDC_LOGIN_PATH = '/auth/oidc/login';

/** A finished sign-in: who the provider says it is, and the role their claim grants (if any). */
export interface OidcIdentity {
  name: string;
  role: AdminPrincipal['role'] | undefined;
}

/**
 * OpenID Connect login (authorization code + PKCE, with state and nonce) through openid-client.
 * The provider's discovery document is fetched at startup (without holding it up) and kept; a
 * failed fetch is retried on the next login rather than keeping the app from starting.
 */
@Injectable()
export class OidcLoginService implements OnModuleInit {
  private configuration: Promise<client.Configuration> | undefined;
  private readonly transactions = new OidcTransactions();

  constructor(
    @Inject(ADMIN_OPTIONS) private readonly options: ResolvedAdminOptions,
    @Inject(ADMIN_LOGGER) private readonly logger: Logger,
  ) {}

  /** Fetches the discovery document now, without waiting: the first login need not, and a down provider must not stop the app. */
  onModuleInit(): void {
    const settings = this.options.oidc;
    if (!settings) return;
    this.config(settings).catch((e: unknown) =>
      this.logger.warn(
        { issuer: settings.issuer, err: e },
        'OIDC discovery failed; retried on the next login',
      ),
    );
  }

  /** The OIDC options, or undefined when single sign-on is not configured. */
  get settings(): ResolvedOidcOptions | undefined {
    return this.options.oidc;
  }

  /** The provider's authorization URL, and the id of the transaction the callback must bring back. */
  async begin(): Promise<{ url: URL; transactionId: string }> {
    const settings = this.required();
    const config = await this.config(settings);
    const transaction = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: settings.redirectUri,
      scope: settings.scope,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(transaction.codeVerifier),
      code_challenge_method: 'S256',
      state: transaction.state,
      nonce: transaction.nonce,
    });
    return { url, transactionId: this.transactions.add(transaction) };
  }

  /**
   * Redeems the provider's answer (`query` of the callback) for tokens, checking state, nonce and
   * the PKCE verifier of transaction `transactionId`; then reads the role claim from the ID token
   * and userinfo. Throws 403 for anything that does not check out.
   */
  async finish(transactionId: string | undefined, query: string): Promise<OidcIdentity> {
    const settings = this.required();
    const transaction = this.transactions.take(transactionId);
    if (!transaction) throw new ForbiddenException('sign-in expired or was not started here; sign in again');
    const config = await this.config(settings);
    // The configured callback, not the request's own URL: behind a proxy the two differ, and the
    // token request must name the redirect_uri the authorization request used.
    const callbackUrl = new URL(settings.redirectUri);
    callbackUrl.search = query;
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: transaction.codeVerifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new Error('no ID token');
      // Providers put custom claims in the ID token, in userinfo, or both.
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...idClaims, ...userinfo };
    } catch (e) {
      throw new ForbiddenException(`single sign-on failed: ${describe(e)}`);
    }
    const name = [claims.preferred_username, claims.email, claims.sub].find(
      (v): v is string => typeof v === 'string' && v.length > 0,
    );
    return { name: name ?? 'unknown', role: roleFromClaim(claims[settings.roleClaim], settings.roleMap) };
  }

  /** The OIDC options; 404 when single sign-on is not configured. */
  required(): ResolvedOidcOptions {
    if (!this.options.oidc) throw new NotFoundException('single sign-on is not configured');
    return this.options.oidc;
  }

  private config(settings: ResolvedOidcOptions): Promise<client.Configuration> {
    this.configuration ??= this.discover(settings).catch((e: unknown) => {
      this.configuration = undefined;
      throw new ServiceUnavailableException(
        `the OIDC provider is unreachable: ${e instanceof Error ? e.message : String(e)}`,
      );
    });
    return this.configuration;
  }

  private discover(settings: ResolvedOidcOptions): Promise<client.Configuration> {
    const issuer = new URL(settings.issuer);
    return client.discovery(
      issuer,
      settings.clientId,
      settings.clientSecret,
      undefined,
      // Plain http only for a provider on this machine (development, tests); anything else is https.
      issuer.protocol === 'http:' && isLoopback(issuer.hostname)
        ? { execute: [client.allowInsecureRequests] }
        : undefined,
    );
  }
}

/** openid-client wraps the precise reason ("unexpected state") in a generic one: say both. */
function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return e.cause instanceof Error && e.cause.message !== e.message
    ? `${e.message}: ${e.cause.message}`
    : e.message;
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '[::1]' || host.startsWith('127.');
