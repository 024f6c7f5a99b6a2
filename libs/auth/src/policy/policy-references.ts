import { PolicyError } from '../errors/policy.error';
import {
  admin,
  adminApp,
  customRole,
  type DeadLetterOptions,
  producer,
  reaper,
  service,
  worker,
} from '../roles/builtin-roles';
import { DEFAULT_RESPONSE_MAX } from '../roles/role-defaults';
import {
  type PermissionList,
  type ResponsePermission,
  type RolePermissions,
} from '../roles/role-permissions';
import {
  type AccountExport,
  type AccountImport,
  type AccountLimits,
  type AccountPolicy,
  type AuthPolicy,
  type UserPolicy,
} from './auth-policy.types';
import {
  DEFAULT_ACCOUNT_LIMITS,
  DEFAULT_JETSTREAM_LIMITS,
  DISABLED_JETSTREAM_LIMITS,
  POLICY_VERSION,
  SYSTEM_ACCOUNT_NAME,
} from './policy-defaults';
import { type PolicyPath } from './policy-path';
import {
  type ParsedAccount,
  type ParsedAccountLimits,
  type ParsedAllowResponses,
  type ParsedExport,
  type ParsedImport,
  type ParsedPermissionList,
  type ParsedPolicy,
  type ParsedRole,
  type ParsedUser,
  didYouMeanHint,
} from './policy-schema';
import { subjectCovers } from './subject';

/*
 * What the schema cannot check one value at a time: names unique across scopes (case-insensitive),
 * the reserved system account, roles and imports that must exist, exports that must cover imports.
 * Each function reports into `errors` and returns the resolved part of the policy.
 */

type Errors = PolicyError[];

const fail = (errors: Errors, path: PolicyPath, detail: string): undefined => {
  errors.push(new PolicyError(path, detail));
  return undefined;
};

/** Runs a role helper, turning its TypeError into a policy error at `path`. */
function build(errors: Errors, path: PolicyPath, make: () => RolePermissions): RolePermissions | undefined {
  try {
    return make();
  } catch (e) {
    return fail(errors, path, e instanceof Error ? e.message : String(e));
  }
}

const permissionList = (list: ParsedPermissionList): PermissionList => ({
  allow: list?.allow ?? [],
  deny: list?.deny ?? [],
});

function responses(value: ParsedAllowResponses): ResponsePermission | undefined {
  if (!value) return undefined;
  if (value === true) return { max: DEFAULT_RESPONSE_MAX, ttl: 0 };
  return { max: value.max ?? DEFAULT_RESPONSE_MAX, ttl: value.ttl ?? 0 };
}

function deadLetterOptions(o: {
  subjects?: string[] | null;
  deadLetterPrefix?: string | null;
  deadLetterStream?: string | null;
  idempotency?: boolean | null;
  lanes?: 'priorities' | 'fairness' | null;
  rateLimit?: boolean | null;
}): DeadLetterOptions {
  const out: DeadLetterOptions = {};
  if (o.subjects != null) out.subjects = o.subjects;
  if (o.deadLetterPrefix != null) out.deadLetterPrefix = o.deadLetterPrefix;
  if (o.idempotency != null) out.idempotency = o.idempotency;
  if (o.lanes != null) out.lanes = o.lanes;
  if (o.rateLimit != null) out.rateLimit = o.rateLimit;
  if (o.deadLetterStream != null) out.deadLetterStream = o.deadLetterStream;
  return out;
}

/** The permissions of one role (its structure already checked by the schema). */
function resolveRole(errors: Errors, r: ParsedRole, path: PolicyPath): RolePermissions | undefined {
  if (r.producer) return build(errors, [...path, 'producer'], () => producer(r.producer?.subjects ?? []));
  for (const kind of ['worker', 'service'] as const) {
    const o = r[kind];
    if (!o) continue;
    const make = kind === 'worker' ? worker : service;
    return build(errors, [...path, kind], () => make(o.stream, o.consumer, deadLetterOptions(o)));
  }
  if (r.admin !== undefined) {
    const o = r.admin;
    return build(errors, [...path, 'admin'], () =>
      o === null || o === true ? admin() : admin({ publish: o.publish ?? [], subscribe: o.subscribe ?? [] }),
    );
  }
  if (r['admin-app'] !== undefined) {
    const o = r['admin-app'];
    return build(errors, [...path, 'admin-app'], () =>
      o === null || o === true
        ? adminApp()
        : adminApp({
            replaySubjects: o.replaySubjects ?? [],
            ...(o.schedulingStream ? { schedulingStream: o.schedulingStream } : {}),
          }),
    );
  }
  if (r.reaper) {
    const o = r.reaper;
    return build(errors, [...path, 'reaper'], () =>
      reaper({
        streams: o.streams ?? [],
        ...(o.advisoryStream != null ? { advisoryStream: o.advisoryStream } : {}),
        ...(o.durable != null ? { durable: o.durable } : {}),
        ...(o.dlqSubjects != null ? { dlqSubjects: o.dlqSubjects } : {}),
        ...deadLetterOptions(o),
      }),
    );
  }
  return build(errors, path, () =>
    customRole({
      publish: permissionList(r.publish),
      subscribe: permissionList(r.subscribe),
      inbox: r.inbox ?? false,
      allowResponses: responses(r.allowResponses),
    }),
  );
}

/**
 * The roles of one scope. `taken` holds the names defined by the policy-wide scope (lower-cased);
 * `declared` collects every name defined, valid or not, so users naming an invalid role add no error.
 */
function resolveRoles(
  errors: Errors,
  docs: Record<string, ParsedRole> | null | undefined,
  path: PolicyPath,
  taken: ReadonlyMap<string, string>,
  declared: Set<string>,
): Record<string, RolePermissions> {
  const roles: Record<string, RolePermissions> = {};
  const local = new Map<string, string>();
  for (const [name, doc] of Object.entries(docs ?? {})) {
    const at = [...path, name];
    const key = name.toLowerCase();
    const clash = local.get(key) ?? taken.get(key);
    if (clash !== undefined) {
      const scope = local.has(key) ? 'this scope' : 'roles';
      fail(
        errors,
        at,
        `duplicate role "${name}" (already defined${clash === name ? '' : ` as "${clash}"`} in ${scope})`,
      );
      continue;
    }
    local.set(key, name);
    declared.add(name);
    const role = resolveRole(errors, doc, at);
    if (role) roles[name] = role;
  }
  return roles;
}

function resolveLimits(limits: ParsedAccountLimits | null | undefined): AccountLimits {
  const d = DEFAULT_ACCOUNT_LIMITS;
  const js = limits?.jetstream;
  const jd = DEFAULT_JETSTREAM_LIMITS;
  const o = typeof js === 'object' && js !== null ? js : undefined;
  return {
    connections: limits?.connections ?? d.connections,
    leafNodes: limits?.leafNodes ?? d.leafNodes,
    subscriptions: limits?.subscriptions ?? d.subscriptions,
    data: limits?.data ?? d.data,
    payload: limits?.payload ?? d.payload,
    imports: limits?.imports ?? d.imports,
    exports: limits?.exports ?? d.exports,
    wildcardExports: limits?.wildcardExports ?? d.wildcardExports,
    jetstream:
      js === false
        ? { ...DISABLED_JETSTREAM_LIMITS }
        : {
            memoryStorage: o?.memoryStorage ?? jd.memoryStorage,
            diskStorage: o?.diskStorage ?? jd.diskStorage,
            streams: o?.streams ?? jd.streams,
            consumers: o?.consumers ?? jd.consumers,
            maxAckPending: o?.maxAckPending ?? jd.maxAckPending,
            memoryMaxStreamBytes: o?.memoryMaxStreamBytes ?? jd.memoryMaxStreamBytes,
            diskMaxStreamBytes: o?.diskMaxStreamBytes ?? jd.diskMaxStreamBytes,
            maxBytesRequired: o?.maxBytesRequired ?? jd.maxBytesRequired,
          },
  };
}

/** Export names are unique in an account, and so is each (type, subject). */
function resolveExports(
  errors: Errors,
  docs: ParsedExport[] | null | undefined,
  path: PolicyPath,
): AccountExport[] {
  const out: AccountExport[] = [];
  const names = new Set<string>();
  const subjects = new Set<string>();
  (docs ?? []).forEach((doc, i) => {
    const at = [...path, i];
    const type = doc.type ?? 'stream';
    const name = doc.name ?? doc.subject;
    if (names.has(name)) return fail(errors, [...at, 'name'], `duplicate export name "${name}"`);
    if (subjects.has(`${type} ${doc.subject}`)) {
      return fail(errors, [...at, 'subject'], `duplicate ${type} export of "${doc.subject}"`);
    }
    names.add(name);
    subjects.add(`${type} ${doc.subject}`);
    out.push({
      name,
      subject: doc.subject,
      type,
      public: doc.public ?? false,
      ...(doc.description != null ? { description: doc.description } : {}),
    });
  });
  return out;
}

/** Each import names another account of the policy whose export of the same type covers it. */
function resolveImports(
  errors: Errors,
  docs: ParsedImport[] | null | undefined,
  path: PolicyPath,
  self: string,
  exportsByAccount: ReadonlyMap<string, AccountExport[]>,
): AccountImport[] {
  const out: AccountImport[] = [];
  const seen = new Set<string>();
  const locals = new Set<string>();
  (docs ?? []).forEach((doc, i) => {
    const at = [...path, i];
    const { account, subject } = doc;
    const type = doc.type ?? 'stream';
    if (account === self) return fail(errors, [...at, 'account'], 'an account cannot import from itself');
    const exported = exportsByAccount.get(account);
    if (!exported) {
      return fail(
        errors,
        [...at, 'account'],
        `unknown account "${account}"${didYouMeanHint(account, exportsByAccount.keys())}`,
      );
    }
    const candidates = exported.filter((e) => e.type === type);
    if (!candidates.some((e) => subjectCovers(e.subject, subject))) {
      const offered = candidates.map((e) => e.subject).join(', ') || 'none';
      return fail(
        errors,
        [...at, 'subject'],
        `account ${account} does not export "${subject}" as a ${type} (its ${type} exports: ${offered})`,
      );
    }
    const key = `${account} ${type} ${subject}`;
    if (seen.has(key)) return fail(errors, at, `duplicate import of ${type} "${subject}" from ${account}`);
    const local = doc.localSubject ?? subject;
    if (locals.has(`${type} ${local}`))
      return fail(errors, at, `another ${type} import already maps to "${local}"`);
    seen.add(key);
    locals.add(`${type} ${local}`);
    out.push({
      name: doc.name ?? subject,
      account,
      subject,
      type,
      ...(doc.localSubject != null ? { localSubject: doc.localSubject } : {}),
    });
  });
  return out;
}

/** Users: unique names (case-insensitive), roles that exist in scope, each listed once. */
function resolveUsers(
  errors: Errors,
  docs: Record<string, ParsedUser | null | undefined> | null | undefined,
  path: PolicyPath,
  roles: Readonly<Record<string, RolePermissions>>,
  declared: ReadonlySet<string>,
): UserPolicy[] {
  const users: UserPolicy[] = [];
  const seen = new Map<string, string>();
  for (const [name, doc] of Object.entries(docs ?? {})) {
    const at = [...path, name];
    const clash = seen.get(name.toLowerCase());
    if (clash !== undefined) {
      fail(errors, at, `duplicate user "${name}" (also "${clash}"; names are compared case-insensitively)`);
      continue;
    }
    seen.set(name.toLowerCase(), name);
    const userRoles: string[] = [];
    (doc?.roles ?? []).forEach((role, i) => {
      if (!(role in roles)) {
        if (declared.has(role)) return;
        return fail(
          errors,
          [...at, 'roles', i],
          `unknown role "${role}"${didYouMeanHint(role, Object.keys(roles))}`,
        );
      }
      if (userRoles.includes(role))
        return fail(errors, [...at, 'roles', i], `role "${role}" is listed twice`);
      userRoles.push(role);
    });
    const user: UserPolicy = {
      name,
      roles: userRoles,
      publish: permissionList(doc?.publish),
      subscribe: permissionList(doc?.subscribe),
      allowedCidrs: doc?.allowedCidrs ?? [],
    };
    const allowResponses = responses(doc?.allowResponses);
    if (doc?.inboxPrefix != null) user.inboxPrefix = doc.inboxPrefix;
    if (doc?.expires != null) user.expires = doc.expires;
    if (allowResponses) user.allowResponses = allowResponses;
    users.push(user);
  }
  return users;
}

/** The accounts in declaration order; exports of all are read before any import points at them. */
function resolveAccounts(
  errors: Errors,
  docs: Record<string, ParsedAccount | null | undefined>,
  globalRoles: Record<string, RolePermissions>,
  globalDeclared: ReadonlySet<string>,
): AccountPolicy[] {
  const globalNames = new Map(Object.keys(globalRoles).map((n) => [n.toLowerCase(), n]));
  const seen = new Map<string, string>();
  const exportsByAccount = new Map<string, AccountExport[]>();
  const pending: { name: string; doc: ParsedAccount; at: PolicyPath }[] = [];
  for (const [name, doc] of Object.entries(docs)) {
    const at: PolicyPath = ['accounts', name];
    if (name.toUpperCase() === SYSTEM_ACCOUNT_NAME) {
      fail(
        errors,
        at,
        `"${name}" is reserved: the system account ${SYSTEM_ACCOUNT_NAME} is created automatically`,
      );
      continue;
    }
    const clash = seen.get(name.toLowerCase());
    if (clash !== undefined) {
      fail(
        errors,
        at,
        `duplicate account "${name}" (also "${clash}"; names are compared case-insensitively)`,
      );
      continue;
    }
    seen.set(name.toLowerCase(), name);
    exportsByAccount.set(name, resolveExports(errors, doc?.exports, [...at, 'exports']));
    pending.push({ name, doc: doc ?? {}, at });
  }
  return pending.map(({ name, doc, at }) => {
    const declared = new Set(globalDeclared);
    const roles = resolveRoles(errors, doc.roles, [...at, 'roles'], globalNames, declared);
    const account: AccountPolicy = {
      name,
      limits: resolveLimits(doc.limits),
      exports: exportsByAccount.get(name) ?? [],
      imports: resolveImports(errors, doc.imports, [...at, 'imports'], name, exportsByAccount),
      roles,
      users: resolveUsers(errors, doc.users, [...at, 'users'], { ...globalRoles, ...roles }, declared),
    };
    if (doc.description != null) account.description = doc.description;
    return account;
  });
}

/** Resolves a structurally valid policy; problems go to `errors` (the result is then incomplete). */
export function resolvePolicy(doc: ParsedPolicy, errors: Errors): AuthPolicy {
  const globalDeclared = new Set<string>();
  const roles = resolveRoles(errors, doc.roles, ['roles'], new Map(), globalDeclared);
  const accounts = resolveAccounts(errors, doc.accounts, roles, globalDeclared);
  return { version: POLICY_VERSION, operator: { name: doc.operator.name }, roles, accounts };
}
