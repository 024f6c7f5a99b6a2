import { type Request } from 'express';
import { type AuditActor, type AuditedAction, type AuditService } from '../audit/audit.service';
import { type AdminPrincipal } from './admin-principal';
import { newCsrfToken } from './csrf-token';

/** The session cookie's name: one place, shared by the session middleware and logout. */
export const SESSION_COOKIE = 'jetbus.sid';

declare module 'express-session' {
  interface SessionData {
    /** Who signed in; express-session keeps it server-side, the cookie holds only the signed id. */
    principal?: AdminPrincipal;
    /** The synchronizer token unsafe requests must echo in `x-csrf-token`. */
    csrfToken?: string;
  }
}

/** What login and `GET /api/auth/session` answer. */
export interface SessionView {
  name: string;
  role: AdminPrincipal['role'];
  via: AdminPrincipal['via'];
  csrfToken: string;
}

/**
 * Signs `principal` in: a new session id (whatever id the browser brought is dropped, so a planted
 * cookie cannot be fixed onto the signed-in session) and a new CSRF token, saved before answering.
 */
export async function startSession(req: Request, principal: AdminPrincipal): Promise<SessionView> {
  await new Promise<void>((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())));
  const csrfToken = newCsrfToken();
  req.session.principal = principal;
  req.session.csrfToken = csrfToken;
  await new Promise<void>((resolve, reject) => req.session.save((e) => (e ? reject(e) : resolve())));
  return { name: principal.name, role: principal.role, via: principal.via, csrfToken };
}

/**
 * Signs `principal` in and audits it: when the `auth.login` entry cannot be written, the new session
 * is destroyed again, so a login that answers an error never leaves the caller signed in.
 */
export async function startAuditedSession(
  audit: AuditService,
  actor: AuditActor,
  action: AuditedAction,
  req: Request,
): Promise<SessionView> {
  try {
    return await audit.run(actor, action, () => startSession(req, actor.principal));
  } catch (e) {
    if (req.session?.principal) await endSession(req).catch(() => undefined);
    throw e;
  }
}

/** Forgets the session server-side: the cookie the browser still holds points at nothing. */
export async function endSession(req: Request): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.destroy((e) => (e ? reject(e) : resolve())));
}
