import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { type Logger } from 'pino';
import { ADMIN_ROLES, type AdminRole } from '../auth/admin-role';

/**
 * The admin app's options, declared once: these classes are both the public type and the
 * validation (`resolveAdminOptions`), so an unknown key or a wrong type is a `JetbusConfigError`
 * naming its path. Pass plain objects; defaults are documented per field.
 */

/** How the app reaches NATS. Give it its own least-privilege creds (`jetbus auth`, role `admin-app`). */
export class AdminNatsOptions {
  /** Server URL(s). @default $NATS_URL, else nats://127.0.0.1:4222 */
  @IsOptional()
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  servers?: string | string[];

  /** The app user's `.creds` file. @default $NATS_CREDS */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  credsFile?: string;

  /** Reply prefix its permissions allow (`_INBOX_<user>`). @default $NATS_INBOX_PREFIX, else _INBOX */
  @IsOptional()
  @Matches(/^[^\s*>.][^\s*>]*$/, {
    message: 'inboxPrefix must be subject tokens without spaces or wildcards',
  })
  inboxPrefix?: string;

  /** PEM CA bundle that signs the server's certificate. */
  @IsOptional()
  @IsString()
  tlsCaFile?: string;
}

/** A local user: `passwordHash` from `jetbus admin hash-password` (scrypt). */
export class AdminUserOptions {
  @IsString()
  @Matches(/^[\w.@-]{1,64}$/, { message: 'name must be 1-64 letters, digits or . _ @ -' })
  name!: string;

  @IsIn(ADMIN_ROLES)
  role!: AdminRole;

  /** `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`; never a clear password. */
  @IsString()
  @Matches(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, {
    message: 'passwordHash must be an scrypt hash from `jetbus admin hash-password`',
  })
  passwordHash!: string;
}

/** An API token for scripts: the app keeps only its SHA-256 (`jetbus admin token`). */
export class AdminTokenOptions {
  @IsString()
  @Matches(/^[\w.@-]{1,64}$/, { message: 'name must be 1-64 letters, digits or . _ @ -' })
  name!: string;

  @IsIn(ADMIN_ROLES)
  role!: AdminRole;

  /** Hex SHA-256 of the token. */
  @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 lowercase hex digits' })
  sha256!: string;
}

/** OpenID Connect login (authorization code + PKCE). */
export class AdminOidcOptions {
  /** Issuer URL; its discovery document is fetched at startup. */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  issuer!: string;

  @IsString()
  @IsNotEmpty()
  clientId!: string;

  @IsOptional()
  @IsString()
  clientSecret?: string;

  /** This app's callback, e.g. https://admin.example.com/auth/oidc/callback. */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  redirectUri!: string;

  /** Claim that holds the role (a string or a list of strings). @default 'jetbus_role' */
  @IsOptional()
  @IsString()
  roleClaim?: string;

  /** Claim value → role, for providers whose groups are not named after the roles. @default identity */
  @IsOptional()
  @IsObject()
  roleMap?: Record<string, AdminRole>;

  /** @default 'openid profile email' */
  @IsOptional()
  @IsString()
  scope?: string;

  /** Label of the login button. @default 'Single sign-on' */
  @IsOptional()
  @IsString()
  label?: string;
}

/** Serve HTTPS (and mark cookies Secure) with these PEM files. */
export class AdminHttpsOptions {
  @IsString()
  @IsNotEmpty()
  certFile!: string;

  @IsString()
  @IsNotEmpty()
  keyFile!: string;
}

export class AdminLoginLimitOptions {
  /** Failed or successful login attempts per client IP per window. @default 10 */
  @IsOptional()
  @IsInt()
  @Min(1)
  max?: number;

  /** Window in milliseconds. @default 60000 */
  @IsOptional()
  @IsInt()
  @Min(1000)
  windowMs?: number;

  /**
   * Failed password sign-ins for one user name, from any address, before that name is refused for
   * the rest of `lockoutMs` (even with the right password). @default 5
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  failuresPerUser?: number;

  /** How long one user name's failures count, in milliseconds. @default 300000 (5 minutes) */
  @IsOptional()
  @IsInt()
  @Min(1000)
  lockoutMs?: number;
}

/**
 * Defaults of `bulkReplayLimit`, declared here once: the resolver applies them and the README's
 * options table quotes them.
 */
export const BULK_REPLAY_LIMIT_DEFAULTS = { perActor: 2, total: 4 } as const;

/**
 * Bulk dead-letter replays running at once in this process. Each one reads the dead-letter stream
 * and publishes at up to 10,000 a second until it is done, so without a bound a single operator
 * could start as many as they like and load NATS and the app. A start beyond either bound is a
 * 429 `REPLAY_LIMIT` (and audited). Dry runs read the whole selection too: they are bounded by the
 * same numbers, counted apart (a plan is never refused for the replays running).
 */
export class AdminBulkReplayLimitOptions {
  /** Running bulk replays one caller (a user or token name) may have. @default 2 */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  perActor?: number;

  /** Running bulk replays of every caller together; at least `perActor`. @default 4 */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  total?: number;
}

/**
 * Defaults of `accessDeniedAudit`, declared here once: the resolver applies them and the README's
 * options table quotes them.
 */
export const ACCESS_DENIED_AUDIT_DEFAULTS = { windowMs: 60_000, distinctPerActor: 10 } as const;

/**
 * How `access.denied` entries are written. Any signed-in viewer can be refused a state-changing
 * route as fast as it can send requests; one entry per refusal would let it flood the audit
 * stream. Within a window (opened by a caller's first refusal) the first refusal of each distinct
 * kind (IP, method, path, reason) is written at once, its repeats become one entry with their
 * `count` at the window's end, and refusals of kinds past `distinctPerActor` become one more such
 * entry (target `*`): at most 2 × distinctPerActor + 1 entries per caller per window, and the
 * counts add up to every refusal. Pending counts are written at shutdown too.
 */
export class AdminAccessDeniedAuditOptions {
  /** The window in milliseconds. @default 60000 */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  windowMs?: number;

  /** Distinct kinds of refusal written on their own per caller per window. @default 10 */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  distinctPerActor?: number;
}

export class AdminOptions {
  @ValidateNested()
  @Type(() => AdminNatsOptions)
  @IsOptional()
  nats?: AdminNatsOptions;

  /** Interface to bind. Anything but loopback must be asked for. @default '127.0.0.1' */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  host?: string;

  /** Port; 0 picks a free one. @default 4280 */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  port?: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => AdminHttpsOptions)
  https?: AdminHttpsOptions;

  /**
   * Host names the app answers to (the request's `Host` header, port aside); any other is a 421,
   * which defeats DNS rebinding. An entry is a name (`admin.example.com`), `*.` and a domain for any
   * name under it, an IPv4 address, `[` an IPv6 address `]`, or `*` for any host. The host of
   * `oidc.redirectUri` is always allowed. @default bound to a loopback address: localhost,
   * *.localhost, 127.0.0.1 and [::1]; bound to any other: any host
   */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'allowedHosts must name at least one host (or "*")' })
  @ArrayMaxSize(100)
  @Matches(/^(\*|(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*|\[[0-9a-f:.]+\])$/i, {
    each: true,
    message: 'allowedHosts entries must be host names, *.domain, [IPv6] or *',
  })
  allowedHosts?: string[];

  /**
   * Reverse proxies in front of the app whose `X-Forwarded-For` is believed: the client is the
   * address that many hops back, so the login limit counts and the audit names each client rather
   * than the proxy. Only the hops that are there: a client can prepend any addresses. @default 0
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  trustedProxies?: number;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AdminUserOptions)
  users?: AdminUserOptions[];

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AdminTokenOptions)
  tokens?: AdminTokenOptions[];

  @IsOptional()
  @ValidateNested()
  @Type(() => AdminOidcOptions)
  oidc?: AdminOidcOptions;

  /**
   * Signs session cookies; at least 32 characters. Sessions live in this process, so a restart
   * signs everyone out either way. @default random per process
   */
  @IsOptional()
  @IsString()
  @Matches(/^.{32,}$/s, { message: 'sessionSecret must be at least 32 characters' })
  sessionSecret?: string;

  /** Idle session lifetime in milliseconds. @default 8 hours */
  @IsOptional()
  @IsInt()
  @Min(60_000)
  sessionTtlMs?: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => AdminLoginLimitOptions)
  loginLimit?: AdminLoginLimitOptions;

  @IsOptional()
  @ValidateNested()
  @Type(() => AdminBulkReplayLimitOptions)
  bulkReplayLimit?: AdminBulkReplayLimitOptions;

  @IsOptional()
  @ValidateNested()
  @Type(() => AdminAccessDeniedAuditOptions)
  accessDeniedAudit?: AdminAccessDeniedAuditOptions;

  /** @default 'JETBUS_DLQ' */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,255}$/, { message: 'deadLetterStream must be a stream name' })
  deadLetterStream?: string;

  /** Where delayed jobs wait: the workers' `scheduling.stream`. @default 'JETBUS_SCHEDULED' */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,255}$/, { message: 'schedulingStream must be a stream name' })
  schedulingStream?: string;

  /** Append-only stream of every state-changing action. @default 'JETBUS_AUDIT' */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,255}$/, { message: 'auditStream must be a stream name' })
  auditStream?: string;

  /**
   * How often the app samples worker heartbeats and stream state for `/api/metrics/timeline`, in
   * milliseconds; it keeps at most 17,280 samples (24 hours at the default). @default 5000
   */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  sampleIntervalMs?: number;

  /** Serve the web UI (the API is always served). @default true */
  @IsOptional()
  @IsBoolean()
  ui?: boolean;

  /** A pino logger, or false for silence. @default pino at $JETBUS_LOG_LEVEL or info */
  @IsOptional()
  logger?: Logger | false;
}
