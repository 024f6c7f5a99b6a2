/**
 * The admin app's roles, each including the one before it: `viewer` reads, `operator` also replays,
 * edits-and-replays and purges dead letters, `admin` also creates, updates and deletes streams and
 * consumers.
 */
export const ADMIN_ROLES = ['viewer', 'operator', 'admin'] as const;

export type AdminRole = (typeof ADMIN_ROLES)[number];

export const isAdminRole = (value: unknown): value is AdminRole =>
  typeof value === 'string' && (ADMIN_ROLES as readonly string[]).includes(value);

/** Whether `held` includes everything `required` may do. */
export const roleAllows = (held: AdminRole, required: AdminRole): boolean =>
  ADMIN_ROLES.indexOf(held) >= ADMIN_ROLES.indexOf(required);
