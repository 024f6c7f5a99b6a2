import { ADMIN_ROLES, type AdminRole, isAdminRole } from '../admin-role';

/**
 * The role a claim grants: the claim is a string or a list of strings (groups); each value is
 * mapped through `roleMap` (or taken as a role name when it is not mapped) and the highest role
 * wins. No value that names a role gives undefined: that user may not sign in.
 */
export function roleFromClaim(claim: unknown, roleMap: Record<string, AdminRole>): AdminRole | undefined {
  const values = Array.isArray(claim) ? claim : [claim];
  let best = -1;
  for (const value of values) {
    if (typeof value !== 'string') continue;
    const role = Object.hasOwn(roleMap, value) ? roleMap[value] : isAdminRole(value) ? value : undefined;
    if (role) best = Math.max(best, ADMIN_ROLES.indexOf(role));
  }
  return best < 0 ? undefined : ADMIN_ROLES[best];
}
