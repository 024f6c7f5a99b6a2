import {
  type PermissionList,
  type ResponsePermission,
  type RolePermissions,
} from '../roles/role-permissions';

/*
 * A validated, normalized policy: names resolved, defaults applied, sizes in bytes. This is what
 * `compilePolicy` consumes; build it with `validatePolicy` (or `loadPolicy` / `parsePolicy`).
 */

export interface AuthPolicy {
  version: 1;
  operator: { name: string };
  /** Policy-wide roles, resolved to permission lists. */
  roles: Record<string, RolePermissions>;
  /** App accounts, in declaration order. */
  accounts: AccountPolicy[];
}

export interface AccountLimits {
  connections: number;
  leafNodes: number;
  subscriptions: number;
  data: number;
  payload: number;
  imports: number;
  exports: number;
  wildcardExports: boolean;
  jetstream: JetStreamLimits;
}

export interface JetStreamLimits {
  memoryStorage: number;
  diskStorage: number;
  streams: number;
  consumers: number;
  maxAckPending: number;
  memoryMaxStreamBytes: number;
  diskMaxStreamBytes: number;
  maxBytesRequired: boolean;
}

export type ExportType = 'stream' | 'service';

export interface AccountExport {
  name: string;
  subject: string;
  type: ExportType;
  public: boolean;
  description?: string;
}

export interface AccountImport {
  name: string;
  account: string;
  subject: string;
  type: ExportType;
  localSubject?: string;
}

export interface AccountPolicy {
  name: string;
  description?: string;
  limits: AccountLimits;
  exports: AccountExport[];
  imports: AccountImport[];
  /** Account-level roles, resolved. */
  roles: Record<string, RolePermissions>;
  /** Users, in declaration order. */
  users: UserPolicy[];
}

export interface UserPolicy {
  name: string;
  roles: string[];
  publish: PermissionList;
  subscribe: PermissionList;
  inboxPrefix?: string;
  expires?: Date;
  allowedCidrs: string[];
  allowResponses?: ResponsePermission;
}
