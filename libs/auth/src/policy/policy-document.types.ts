import {
  type AdminAppRoleOptions,
  type AdminRoleOptions,
  type DeadLetterOptions,
  type ReaperRoleOptions,
} from '../roles/builtin-roles';

/*
 * The policy file as written (YAML or JSON). `validatePolicy` checks it and returns an
 * `AuthPolicy`. Every object is strict: an unknown field is an error, so a typo cannot silently
 * widen or drop a permission.
 */

/** A count; -1 or `'unlimited'` means no limit. */
export type CountLimit = number | 'unlimited';
/** Bytes as a number or `'512MiB'`, `'1G'` (binary), `'10MB'` (decimal); -1 or `'unlimited'` = no limit. */
export type ByteLimit = number | string;

export interface PolicyDocument {
  /** Schema version. @default 1 */
  version?: 1;
  operator: { name: string };
  /** Roles every account may use. Account-level `roles` add to these; a name may be defined once. */
  roles?: Record<string, RoleDocument>;
  /** App accounts by name. `SYS` (the system account) is always created and may not be declared. */
  accounts: Record<string, AccountDocument>;
}

/** Exactly one of the built-ins, or custom `publish` / `subscribe` lists. */
export type RoleDocument =
  | { producer: { subjects: string[] } }
  | { worker: { stream: string; consumer: string } & DeadLetterOptions }
  | { service: { stream: string; consumer: string } & DeadLetterOptions }
  | { admin: AdminRoleOptions | null }
  /** The admin web app's user (`JETBUS_AUDIT` append-only for it); `null` for no replay subjects. */
  | { 'admin-app': AdminAppRoleOptions | null }
  | { reaper: ReaperRoleOptions }
  | CustomRoleDocument;

export interface PermissionListDocument {
  allow?: string[];
  deny?: string[];
}

export interface CustomRoleDocument {
  publish?: PermissionListDocument;
  subscribe?: PermissionListDocument;
  /** Subscribe to the user's inbox (for requests / PubAcks). @default false */
  inbox?: boolean;
  allowResponses?: AllowResponsesDocument;
}

/** `true` = one reply per request, no time limit. `ttl` is a duration: `'5s'`, `'250ms'`, or milliseconds. */
export type AllowResponsesDocument = boolean | { max?: number; ttl?: string | number };

export interface AccountDocument {
  description?: string;
  limits?: AccountLimitsDocument;
  exports?: ExportDocument[];
  imports?: ImportDocument[];
  roles?: Record<string, RoleDocument>;
  users?: Record<string, UserDocument>;
}

export interface AccountLimitsDocument {
  /** Client connections. @default -1 */
  connections?: CountLimit;
  /** Leaf node connections. @default -1 */
  leafNodes?: CountLimit;
  /** Subscriptions across the account. @default -1 */
  subscriptions?: CountLimit;
  /** Bytes in flight. @default -1 */
  data?: ByteLimit;
  /** Maximum message payload; -1 = the server's max_payload. @default -1 */
  payload?: ByteLimit;
  /** @default -1 */
  imports?: CountLimit;
  /** @default -1 */
  exports?: CountLimit;
  /** Whether exports may contain wildcards. @default true */
  wildcardExports?: boolean;
  /** JetStream limits; `false` disables JetStream for the account. @default all unlimited */
  jetstream?: false | JetStreamLimitsDocument;
}

export interface JetStreamLimitsDocument {
  /** @default -1 */
  memoryStorage?: ByteLimit;
  /** @default -1 */
  diskStorage?: ByteLimit;
  /** @default -1 */
  streams?: CountLimit;
  /** @default -1 */
  consumers?: CountLimit;
  /** Cap on any consumer's max_ack_pending. @default -1 */
  maxAckPending?: CountLimit;
  /** Cap on a memory stream's max_bytes. @default -1 */
  memoryMaxStreamBytes?: ByteLimit;
  /** Cap on a file stream's max_bytes. @default -1 */
  diskMaxStreamBytes?: ByteLimit;
  /** Streams must set max_bytes. @default false */
  maxBytesRequired?: boolean;
}

export interface ExportDocument {
  subject: string;
  /** `stream`: messages flow to importers; `service`: importers send requests here. @default 'stream' */
  type?: 'stream' | 'service';
  /** @default the subject */
  name?: string;
  /**
   * Any account may import it. By default an export is private: only the accounts that import it
   * in this policy get an activation token for it.
   * @default false
   */
  public?: boolean;
  description?: string;
}

export interface ImportDocument {
  /** The exporting account. */
  account: string;
  /** Must be covered by one of that account's exports of the same type. */
  subject: string;
  /** @default 'stream' */
  type?: 'stream' | 'service';
  /** @default the subject */
  name?: string;
  /** Where the imported subject appears in this account. @default the subject */
  localSubject?: string;
}

export interface UserDocument {
  /** Role names: the account's roles, then the policy-wide ones. */
  roles?: string[];
  /** Extra permissions on top of the roles'. */
  publish?: PermissionListDocument;
  subscribe?: PermissionListDocument;
  /** The user connects with `inboxPrefix` set; it gets `<inboxPrefix>.>` instead of `_INBOX.>`. */
  inboxPrefix?: string;
  /** ISO 8601 time after which the user's JWT is invalid. */
  expires?: string | Date;
  /** Source networks the user may connect from, e.g. `10.0.0.0/8`. @default anywhere */
  allowedCidrs?: string[];
  allowResponses?: AllowResponsesDocument;
}
