import { type AdminRole } from './admin-role';

/** Who is calling: set on the request by authentication, read by the roles guard and the audit. */
export interface AdminPrincipal {
  /** User name, token name or the OIDC subject's preferred name. */
  name: string;
  role: AdminRole;
  /** How the caller proved who they are; `token` callers need no CSRF token (no ambient cookie). */
  via: 'password' | 'oidc' | 'token';
}

/** The request as the admin app sees it after authentication. */
export interface AdminRequest {
  principal?: AdminPrincipal;
  ip?: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
}
