import { type User } from '@nats-io/jwt';
import { type UserPolicy } from '../policy/auth-policy.types';
import { DEFAULT_INBOX_PREFIX, workerHeartbeatSubject } from '../roles/role-defaults';
import {
  type PermissionList,
  type ResponsePermission,
  type RolePermissions,
} from '../roles/role-permissions';

const uniqueSorted = (subjects: Iterable<string>): string[] => [...new Set(subjects)].sort();

/**
 * In a user JWT an empty allow list means "everything". A user whose roles allow nothing in a
 * direction gets an explicit deny of `>` instead, so least privilege holds for empty lists too.
 */
function permission(list: PermissionList): { allow?: string[]; deny?: string[] } {
  const allow = uniqueSorted(list.allow);
  const deny = uniqueSorted(list.deny);
  if (!allow.length) return { deny: ['>'] };
  return deny.length ? { allow, deny } : { allow };
}

/** The user's effective permissions: the union of its roles' and its own lists. */
export function effectivePermissions(
  user: UserPolicy,
  roles: Record<string, RolePermissions>,
): { publish: PermissionList; subscribe: PermissionList; allowResponses?: ResponsePermission } {
  const resolved = user.roles.map((name) => roles[name]);
  const publish: PermissionList = {
    allow: [...resolved.flatMap((r) => r.publish.allow), ...user.publish.allow],
    deny: [...resolved.flatMap((r) => r.publish.deny), ...user.publish.deny],
  };
  const subscribe: PermissionList = {
    allow: [...resolved.flatMap((r) => r.subscribe.allow), ...user.subscribe.allow],
    deny: [...resolved.flatMap((r) => r.subscribe.deny), ...user.subscribe.deny],
  };
  if (resolved.some((r) => r.inbox)) subscribe.allow.push(`${user.inboxPrefix ?? DEFAULT_INBOX_PREFIX}.>`);
  // Its own heartbeat keys only: a worker cannot overwrite or delete another user's entry.
  if (resolved.some((r) => r.heartbeat)) publish.allow.push(workerHeartbeatSubject(user.name));
  const responses = [user.allowResponses, ...resolved.map((r) => r.allowResponses)].filter(
    (r): r is ResponsePermission => r !== undefined,
  );
  const result: ReturnType<typeof effectivePermissions> = {
    publish: { allow: uniqueSorted(publish.allow), deny: uniqueSorted(publish.deny) },
    subscribe: { allow: uniqueSorted(subscribe.allow), deny: uniqueSorted(subscribe.deny) },
  };
  if (responses.length) {
    // The most generous of the roles' response permissions; a ttl of 0 means none.
    result.allowResponses = {
      max: Math.max(...responses.map((r) => (r.max < 0 ? Infinity : r.max))),
      ttl: responses.some((r) => r.ttl === 0) ? 0 : Math.max(...responses.map((r) => r.ttl)),
    };
    if (result.allowResponses.max === Infinity) result.allowResponses.max = -1;
  }
  return result;
}

/** The `nats` part of a user JWT. */
export function userClaims(user: UserPolicy, roles: Record<string, RolePermissions>): Partial<User> {
  const perms = effectivePermissions(user, roles);
  const claims: Partial<User> = { pub: permission(perms.publish), sub: permission(perms.subscribe) };
  if (perms.allowResponses) {
    // The JWT's ttl is a Go duration: nanoseconds.
    claims.resp = { max: perms.allowResponses.max, ttl: perms.allowResponses.ttl * 1_000_000 };
  }
  if (user.allowedCidrs.length) claims.src = [...user.allowedCidrs];
  return claims;
}
