/** Subjects a user may (allow) or may not (deny) use; deny wins over allow, as in nats-server. */
export interface PermissionList {
  allow: string[];
  deny: string[];
}

/** Lets a user publish replies to requests it received, without a publish permission on the reply subject. */
export interface ResponsePermission {
  /** Replies allowed per request. @default 1 */
  max: number;
  /** How long after the request a reply is allowed, in milliseconds; 0 = no limit. @default 0 */
  ttl: number;
}

export const RoleKinds = {
  Producer: 'producer',
  Worker: 'worker',
  Service: 'service',
  Admin: 'admin',
  AdminApp: 'admin-app',
  Reaper: 'reaper',
  Custom: 'custom',
} as const;

export type RoleKind = (typeof RoleKinds)[keyof typeof RoleKinds];

/** A named permission set users reference; what a role helper returns. */
export interface RolePermissions {
  kind: RoleKind;
  publish: PermissionList;
  subscribe: PermissionList;
  /**
   * The role receives replies (PubAcks, JetStream API responses): the user gets a subscribe
   * permission on its inbox, `_INBOX.>` or `<inboxPrefix>.>`.
   */
  inbox: boolean;
  /**
   * The role runs a jetbus worker (`JetbusServer`), which writes its heartbeat: the user gets a
   * publish permission on its own heartbeat keys, `$KV.JETBUS_WORKERS.<user>.>`, and on no one else's.
   */
  heartbeat?: boolean;
  allowResponses?: ResponsePermission;
}
