import { type Request } from 'express';
import { type AuditActor } from '../audit/audit.service';
import { type AdminPrincipal } from './admin-principal';

/** The audit action of a state-changing request refused to a signed-in caller (role or CSRF token). */
export const ACCESS_DENIED_ACTION = 'access.denied';

/** Methods that may change state: a refusal of one is an attempt the trail must show. */
export const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Longest request path kept as the target; the rest is cut (the path is the caller's text). */
const TARGET_MAX = 512;

/** One refused request as the trail names it: who, from where, `<METHOD> <path>`, and why. */
export interface Refusal {
  actor: AuditActor & { principal: AdminPrincipal };
  target: string;
  reason: string;
}

/**
 * The refusal to record for a request refused before any handler ran (so no feature's own audit
 * entry will), or undefined: safe methods and anonymous callers (401, nobody to name) are not
 * recorded.
 */
export function refusalOf(
  req: Request & { principal?: AdminPrincipal },
  reason: string,
): Refusal | undefined {
  const principal = req.principal;
  if (!principal || !UNSAFE_METHODS.has(req.method)) return undefined;
  const path = req.path.length > TARGET_MAX ? `${req.path.slice(0, TARGET_MAX)}…` : req.path;
  return { actor: { principal, ip: req.ip }, target: `${req.method} ${path}`, reason };
}
