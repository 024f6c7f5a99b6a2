import { type AdminRole } from './admin-role';

/** Who is calling: set on the request by authentication, read by the roles guard and the audit. */
export interface AdminPrincipal {
  /** User name, token name or the OIDC subject's preferred name. */
  name: string;
  role: AdminRole;
  /** How the caller proved who they are; `token` callers need no CSRF token (no ambient cookie). */
  via: 'password' | 'oidc' | 'token';
}

/**
 * One key per caller for per-caller bounds and windows: its name and how it signed in, so a token
 * and an OIDC user that share a name are two callers.
 */
export const callerKey = (principal: Pick<AdminPrincipal, 'name' | 'via'>): string =>
  JSON.stringify([principal.via, principal.name]);

/** The request as the admin app sees it after authentication. */
export interface AdminRequest {
  principal?: AdminPrincipal;
  ip?: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
}
