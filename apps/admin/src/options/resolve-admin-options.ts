import { randomBytes } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { type ValidationError, validateSync } from 'class-validator';
import { type Logger } from 'pino';
import { AUDIT_STREAM, DEAD_LETTER_DEFAULT_STREAM, JetbusConfigError, SCHEDULED_STREAM } from '@jetbus/core';
import { type AdminRole } from '../auth/admin-role';
import { LOOPBACK_HOST_NAMES, isLoopbackBind } from '../http/allowed-hosts';
import {
  type AdminHttpsOptions,
  ACCESS_DENIED_AUDIT_DEFAULTS,
  AdminOptions,
  BULK_REPLAY_LIMIT_DEFAULTS,
  type AdminTokenOptions,
  type AdminUserOptions,
} from './admin.options';

export const ADMIN_DEFAULT_HOST = '127.0.0.1';
export const ADMIN_DEFAULT_PORT = 4280;
/** Core's name, which the `admin-app` role of `jetbus auth` protects. */
export const AUDIT_DEFAULT_STREAM = AUDIT_STREAM;
const DEFAULT_SERVER = 'nats://127.0.0.1:4222';
const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60 * 1000;
export const DEFAULT_SAMPLE_INTERVAL_MS = 5_000;

export interface ResolvedOidcOptions {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  redirectUri: string;
  roleClaim: string;
  roleMap: Record<string, AdminRole>;
  scope: string;
  label: string;
}

/** The options with every default applied; what the app's providers receive. */
export interface ResolvedAdminOptions {
  nats: {
    servers: string[];
    credsFile: string | undefined;
    inboxPrefix: string | undefined;
    tlsCaFile: string | undefined;
  };
  host: string;
  port: number;
  https: AdminHttpsOptions | undefined;
  /** Host names answered (`*.` patterns allowed); undefined: any host. */
  allowedHosts: readonly string[] | undefined;
  trustedProxies: number;
  users: AdminUserOptions[];
  tokens: AdminTokenOptions[];
  oidc: ResolvedOidcOptions | undefined;
  sessionSecret: string;
  sessionTtlMs: number;
  loginLimit: { max: number; windowMs: number; failuresPerUser: number; lockoutMs: number };
  bulkReplayLimit: { perActor: number; total: number };
  accessDeniedAudit: { windowMs: number; distinctPerActor: number };
  deadLetterStream: string;
  schedulingStream: string;
  auditStream: string;
  sampleIntervalMs: number;
  ui: boolean;
  logger: Logger | false | undefined;
}

export const ADMIN_OPTIONS = Symbol('JETBUS_ADMIN_OPTIONS');

/** The first problem of a class-validator result, as `path: message`. */
function firstProblem(errors: ValidationError[], parent = ''): [string, string] | undefined {
  for (const error of errors) {
    const path = parent
      ? /^\d+$/.test(error.property)
        ? `${parent}[${error.property}]`
        : `${parent}.${error.property}`
      : error.property;
    const message = Object.values(error.constraints ?? {})[0];
    if (message) return [path, message.replace(/^property \S+ should not exist$/, 'unknown option')];
    const nested = firstProblem(error.children ?? [], path);
    if (nested) return nested;
  }
  return undefined;
}

const env = (name: string): string | undefined => process.env[name] || undefined;

/**
 * Validates `raw` once, at startup: an unknown key, a wrong type or a conflicting value is a
 * `JetbusConfigError` naming the option; the result has every default filled in.
 */
export function resolveAdminOptions(raw: unknown): ResolvedAdminOptions {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new JetbusConfigError('options', 'must be an object');
  }
  // The logger is an object graph class-transformer must not copy; it is checked by hand.
  const { logger, ...rest } = raw as Record<string, unknown>;
  if (
    logger !== undefined &&
    logger !== false &&
    (typeof logger !== 'object' || logger === null || typeof (logger as Logger).info !== 'function')
  ) {
    throw new JetbusConfigError('logger', 'must be a pino logger or false');
  }
  const options = plainToInstance(AdminOptions, rest);
  const problem = firstProblem(
    validateSync(options, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }),
  );
  if (problem) throw new JetbusConfigError(problem[0], problem[1]);

  const users = options.users ?? [];
  const tokens = options.tokens ?? [];
  const duplicate = (names: string[]): string | undefined => names.find((n, i) => names.indexOf(n) !== i);
  const dupUser = duplicate(users.map((u) => u.name));
  if (dupUser) throw new JetbusConfigError('users', `"${dupUser}" is declared twice`);
  const dupToken = duplicate(tokens.map((t) => t.name));
  if (dupToken) throw new JetbusConfigError('tokens', `"${dupToken}" is declared twice`);
  if (!users.length && !tokens.length && !options.oidc) {
    throw new JetbusConfigError('users', 'no way to sign in: declare users, tokens or oidc');
  }
  for (const [claim, role] of Object.entries(options.oidc?.roleMap ?? {})) {
    if (!['viewer', 'operator', 'admin'].includes(role)) {
      throw new JetbusConfigError(`oidc.roleMap.${claim}`, 'must be viewer, operator or admin');
    }
  }

  const bulkReplayLimit = {
    perActor: options.bulkReplayLimit?.perActor ?? BULK_REPLAY_LIMIT_DEFAULTS.perActor,
    total: options.bulkReplayLimit?.total ?? BULK_REPLAY_LIMIT_DEFAULTS.total,
  };
  if (bulkReplayLimit.perActor > bulkReplayLimit.total) {
    throw new JetbusConfigError(
      'bulkReplayLimit.perActor',
      `must not exceed bulkReplayLimit.total (${bulkReplayLimit.total})`,
    );
  }

  const host = options.host ?? ADMIN_DEFAULT_HOST;
  const allowedHosts = resolveAllowedHosts(options.allowedHosts, host, options.oidc?.redirectUri);

  const servers = options.nats?.servers ?? env('NATS_URL') ?? DEFAULT_SERVER;
  return {
    nats: {
      servers: (Array.isArray(servers) ? servers : servers.split(',')).map((s) => s.trim()).filter(Boolean),
      credsFile: options.nats?.credsFile ?? env('NATS_CREDS'),
      inboxPrefix: options.nats?.inboxPrefix ?? env('NATS_INBOX_PREFIX'),
      tlsCaFile: options.nats?.tlsCaFile ?? env('NATS_TLS_CA'),
    },
    host,
    port: options.port ?? ADMIN_DEFAULT_PORT,
    https: options.https,
    allowedHosts,
    trustedProxies: options.trustedProxies ?? 0,
    users,
    tokens,
    oidc: options.oidc && {
      issuer: options.oidc.issuer,
      clientId: options.oidc.clientId,
      clientSecret: options.oidc.clientSecret,
      redirectUri: options.oidc.redirectUri,
      roleClaim: options.oidc.roleClaim ?? 'jetbus_role',
      roleMap: options.oidc.roleMap ?? {},
      scope: options.oidc.scope ?? 'openid profile email',
      label: options.oidc.label ?? 'Single sign-on',
    },
    sessionSecret: options.sessionSecret ?? randomBytes(32).toString('base64url'),
    sessionTtlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
    loginLimit: {
      max: options.loginLimit?.max ?? 10,
      windowMs: options.loginLimit?.windowMs ?? 60_000,
      failuresPerUser: options.loginLimit?.failuresPerUser ?? 5,
      lockoutMs: options.loginLimit?.lockoutMs ?? 300_000,
    },
    bulkReplayLimit,
    accessDeniedAudit: {
      windowMs: options.accessDeniedAudit?.windowMs ?? ACCESS_DENIED_AUDIT_DEFAULTS.windowMs,
      distinctPerActor:
        options.accessDeniedAudit?.distinctPerActor ?? ACCESS_DENIED_AUDIT_DEFAULTS.distinctPerActor,
    },
    deadLetterStream: options.deadLetterStream ?? DEAD_LETTER_DEFAULT_STREAM,
    schedulingStream: options.schedulingStream ?? SCHEDULED_STREAM,
    auditStream: options.auditStream ?? AUDIT_DEFAULT_STREAM,
    sampleIntervalMs: options.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS,
    ui: options.ui ?? true,
    logger: logger as Logger | false | undefined,
  };
}

/**
 * `allowedHosts` as configured (lowercased), or by default loopback names when the app binds a
 * loopback address (only this machine's browsers reach it, and DNS rebinding is how a web page
 * would) and any host otherwise (the app cannot know its public names). The OIDC callback's host
 * is always added: the provider sends the browser back there.
 */
function resolveAllowedHosts(
  configured: string[] | undefined,
  host: string,
  redirectUri: string | undefined,
): readonly string[] | undefined {
  const names =
    configured?.map((h) => h.toLowerCase()) ?? (isLoopbackBind(host) ? [...LOOPBACK_HOST_NAMES] : undefined);
  if (!names || names.includes('*')) return undefined;
  const callback = redirectUri ? new URL(redirectUri).hostname.toLowerCase() : undefined;
  return callback && !names.includes(callback) ? [...names, callback] : names;
}
