import { isIP } from 'node:net';
import { PolicyError } from '../errors/policy.error';
import { PolicyValidationError } from '../errors/policy-validation.error';
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
  type ExportType,
  type JetStreamLimits,
  type UserPolicy,
} from './auth-policy.types';
import { parseByteSize } from './byte-size';
import { parseIsoTime } from './expiry';
import {
  DEFAULT_ACCOUNT_LIMITS,
  DEFAULT_JETSTREAM_LIMITS,
  DISABLED_JETSTREAM_LIMITS,
  POLICY_VERSION,
  SYSTEM_ACCOUNT_NAME,
  UNLIMITED,
} from './policy-defaults';
import { type PolicyPath } from './policy-path';
import { nameSyntaxError, subjectCovers, subjectSyntaxError } from './subject';

type Obj = Record<string, unknown>;

const BUILTIN_ROLE_KEYS = ['producer', 'worker', 'service', 'admin', 'admin-app', 'reaper'] as const;
const CUSTOM_ROLE_KEYS = ['publish', 'subscribe', 'inbox', 'allowResponses'] as const;
const EXPORT_TYPES: readonly ExportType[] = ['stream', 'service'];

/** Levenshtein distance, for "did you mean" hints on misspelled names. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

function suggest(name: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(name.length / 3))
    ? ` (did you mean "${best}"?)`
    : '';
}

const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Collects every problem instead of stopping at the first, so one run shows them all. */
class Checker {
  readonly errors: PolicyError[] = [];

  fail(path: PolicyPath, detail: string): undefined {
    this.errors.push(new PolicyError(path, detail));
    return undefined;
  }

  object(value: unknown, path: PolicyPath, keys: readonly string[]): Obj | undefined {
    if (!isObj(value)) return this.fail(path, `must be an object, got ${describe(value)}`);
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) this.fail([...path, key], `unknown field "${key}"${suggest(key, keys)}`);
    }
    return value;
  }

  /** A map of user-chosen names (accounts, users, roles): null/absent is empty. */
  map(value: unknown, path: PolicyPath): Obj {
    if (value === undefined || value === null) return {};
    return isObj(value) ? value : (this.fail(path, `must be a map of names, got ${describe(value)}`) ?? {});
  }

  string(value: unknown, path: PolicyPath, required = false): string | undefined {
    if (value === undefined || value === null) return required ? this.fail(path, 'is required') : undefined;
    if (typeof value !== 'string') return this.fail(path, `must be a string, got ${describe(value)}`);
    return value;
  }

  boolean(value: unknown, path: PolicyPath): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') return this.fail(path, `must be true or false, got ${describe(value)}`);
    return value;
  }

  list(value: unknown, path: PolicyPath): unknown[] {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value : (this.fail(path, `must be a list, got ${describe(value)}`) ?? []);
  }

  name(kind: string, name: string, path: PolicyPath): boolean {
    const problem = nameSyntaxError(kind, name);
    if (problem) this.fail(path, problem);
    return !problem;
  }

  subjects(value: unknown, path: PolicyPath, wildcards = true): string[] {
    const out: string[] = [];
    this.list(value, path).forEach((s, i) => {
      const subject = this.subject(s, [...path, i], wildcards);
      if (subject !== undefined) out.push(subject);
    });
    return out;
  }

  subject(value: unknown, path: PolicyPath, wildcards = true): string | undefined {
    const s = this.string(value, path, true);
    if (s === undefined) return undefined;
    const problem = subjectSyntaxError(s, { wildcards });
    return problem ? this.fail(path, problem) : s;
  }

  count(value: unknown, path: PolicyPath, fallback: number): number {
    if (value === undefined || value === null) return fallback;
    if (value === 'unlimited') return UNLIMITED;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= -1) return value;
    return (
      this.fail(path, `must be a whole number >= 0, -1 or "unlimited", got ${describe(value)}`) ?? fallback
    );
  }

  bytes(value: unknown, path: PolicyPath, fallback: number): number {
    if (typeof value === 'string' && value !== 'unlimited') {
      const n = parseByteSize(value);
      return (
        n ??
        this.fail(path, `must be a size like "512MiB", "1G" or a number of bytes, got "${value}"`) ??
        fallback
      );
    }
    return this.count(value, path, fallback);
  }

  permissionList(value: unknown, path: PolicyPath): PermissionList {
    if (value === undefined || value === null) return { allow: [], deny: [] };
    const o = this.object(value, path, ['allow', 'deny']);
    return {
      allow: o ? this.subjects(o.allow, [...path, 'allow']) : [],
      deny: o ? this.subjects(o.deny, [...path, 'deny']) : [],
    };
  }

  duration(value: unknown, path: PolicyPath): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
    if (typeof value === 'string') {
      const m = /^(\d+)(ms|s|m|h)$/.exec(value.trim());
      if (m)
        return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    }
    return this.fail(
      path,
      `must be a duration like "250ms", "5s", "1m" or milliseconds, got ${describe(value)}`,
    );
  }

  allowResponses(value: unknown, path: PolicyPath): ResponsePermission | undefined {
    if (value === undefined || value === null || value === false) return undefined;
    if (value === true) return { max: DEFAULT_RESPONSE_MAX, ttl: 0 };
    const o = this.object(value, path, ['max', 'ttl']);
    if (!o) return undefined;
    const max =
      o.max === undefined ? DEFAULT_RESPONSE_MAX : this.count(o.max, [...path, 'max'], DEFAULT_RESPONSE_MAX);
    if (max === 0) this.fail([...path, 'max'], 'must not be 0 (leave allowResponses out instead)');
    return { max, ttl: this.duration(o.ttl, [...path, 'ttl']) ?? 0 };
  }
}

function readLimits(c: Checker, value: unknown, path: PolicyPath): AccountLimits {
  const d = DEFAULT_ACCOUNT_LIMITS;
  if (value === undefined || value === null) return { ...d, jetstream: { ...d.jetstream } };
  const o = c.object(value, path, [
    'connections',
    'leafNodes',
    'subscriptions',
    'data',
    'payload',
    'imports',
    'exports',
    'wildcardExports',
    'jetstream',
  ]);
  if (!o) return { ...d, jetstream: { ...d.jetstream } };
  const at = (k: string): PolicyPath => [...path, k];
  return {
    connections: c.count(o.connections, at('connections'), d.connections),
    leafNodes: c.count(o.leafNodes, at('leafNodes'), d.leafNodes),
    subscriptions: c.count(o.subscriptions, at('subscriptions'), d.subscriptions),
    data: c.bytes(o.data, at('data'), d.data),
    payload: c.bytes(o.payload, at('payload'), d.payload),
    imports: c.count(o.imports, at('imports'), d.imports),
    exports: c.count(o.exports, at('exports'), d.exports),
    wildcardExports: c.boolean(o.wildcardExports, at('wildcardExports')) ?? d.wildcardExports,
    jetstream: readJetStreamLimits(c, o.jetstream, at('jetstream')),
  };
}

function readJetStreamLimits(c: Checker, value: unknown, path: PolicyPath): JetStreamLimits {
  const d = DEFAULT_JETSTREAM_LIMITS;
  if (value === false) return { ...DISABLED_JETSTREAM_LIMITS };
  if (value === undefined || value === null || value === true) return { ...d };
  const o = c.object(value, path, [
    'memoryStorage',
    'diskStorage',
    'streams',
    'consumers',
    'maxAckPending',
    'memoryMaxStreamBytes',
    'diskMaxStreamBytes',
    'maxBytesRequired',
  ]);
  if (!o) return { ...d };
  const at = (k: string): PolicyPath => [...path, k];
  return {
    memoryStorage: c.bytes(o.memoryStorage, at('memoryStorage'), d.memoryStorage),
    diskStorage: c.bytes(o.diskStorage, at('diskStorage'), d.diskStorage),
    streams: c.count(o.streams, at('streams'), d.streams),
    consumers: c.count(o.consumers, at('consumers'), d.consumers),
    maxAckPending: c.count(o.maxAckPending, at('maxAckPending'), d.maxAckPending),
    memoryMaxStreamBytes: c.bytes(o.memoryMaxStreamBytes, at('memoryMaxStreamBytes'), d.memoryMaxStreamBytes),
    diskMaxStreamBytes: c.bytes(o.diskMaxStreamBytes, at('diskMaxStreamBytes'), d.diskMaxStreamBytes),
    maxBytesRequired: c.boolean(o.maxBytesRequired, at('maxBytesRequired')) ?? d.maxBytesRequired,
  };
}

/** Runs a role helper, turning its TypeError into a policy error at `path`. */
function build(c: Checker, path: PolicyPath, make: () => RolePermissions): RolePermissions | undefined {
  try {
    return make();
  } catch (e) {
    return c.fail(path, e instanceof Error ? e.message : String(e));
  }
}

function readRole(c: Checker, value: unknown, path: PolicyPath): RolePermissions | undefined {
  if (!isObj(value)) return c.fail(path, `must be an object, got ${describe(value)}`);
  const builtins = BUILTIN_ROLE_KEYS.filter((k) => k in value);
  if (builtins.length === 0) {
    const o = c.object(value, path, CUSTOM_ROLE_KEYS);
    if (!o) return undefined;
    const publish = c.permissionList(o.publish, [...path, 'publish']);
    const subscribe = c.permissionList(o.subscribe, [...path, 'subscribe']);
    const allowResponses = c.allowResponses(o.allowResponses, [...path, 'allowResponses']);
    const inbox = c.boolean(o.inbox, [...path, 'inbox']) ?? false;
    if (!publish.allow.length && !subscribe.allow.length && !allowResponses && !inbox) {
      c.fail(
        path,
        `role allows nothing: use one of ${BUILTIN_ROLE_KEYS.join(', ')} or publish/subscribe allow lists`,
      );
    }
    return build(c, path, () => customRole({ publish, subscribe, inbox, allowResponses }));
  }
  if (builtins.length > 1 || Object.keys(value).length > 1) {
    return c.fail(
      path,
      `a built-in role takes exactly one key (${builtins[0]}), got: ${Object.keys(value).join(', ')}`,
    );
  }
  const kind = builtins[0];
  const at: PolicyPath = [...path, kind];
  const args = value[kind];
  switch (kind) {
    case 'producer': {
      const o = c.object(args, at, ['subjects']);
      if (!o) return undefined;
      const subjects = c.subjects(o.subjects, [...at, 'subjects']);
      if (!subjects.length) return c.fail([...at, 'subjects'], 'at least one subject is required');
      return build(c, at, () => producer(subjects));
    }
    case 'worker':
    case 'service': {
      const o = c.object(args, at, [
        'stream',
        'consumer',
        'subjects',
        'deadLetterPrefix',
        'deadLetterStream',
        'idempotency',
      ]);
      if (!o) return undefined;
      const stream = c.string(o.stream, [...at, 'stream'], true);
      const consumer = c.string(o.consumer, [...at, 'consumer'], true);
      if (stream === undefined || consumer === undefined) return undefined;
      const okStream = c.name('stream', stream, [...at, 'stream']);
      const okConsumer = c.name('consumer', consumer, [...at, 'consumer']);
      if (!okStream || !okConsumer) return undefined;
      const dead = readDeadLetterOptions(c, o, at);
      if (!dead) return undefined;
      return build(c, at, () =>
        kind === 'worker' ? worker(stream, consumer, dead) : service(stream, consumer, dead),
      );
    }
    case 'admin': {
      if (args === null || args === true) return admin();
      const o = c.object(args, at, ['publish', 'subscribe']);
      if (!o) return undefined;
      const publish = c.subjects(o.publish, [...at, 'publish']);
      const subscribe = c.subjects(o.subscribe, [...at, 'subscribe']);
      return build(c, at, () => admin({ publish, subscribe }));
    }
    case 'admin-app': {
      if (args === null || args === true) return adminApp();
      const o = c.object(args, at, ['replaySubjects']);
      if (!o) return undefined;
      const replaySubjects = c.subjects(o.replaySubjects, [...at, 'replaySubjects']);
      return build(c, at, () => adminApp({ replaySubjects }));
    }
    case 'reaper': {
      const o = c.object(args, at, [
        'streams',
        'subjects',
        'deadLetterPrefix',
        'advisoryStream',
        'durable',
        'dlqSubjects',
        'deadLetterStream',
      ]);
      if (!o) return undefined;
      const streams: string[] = [];
      c.list(o.streams, [...at, 'streams']).forEach((s, i) => {
        const name = c.string(s, [...at, 'streams', i], true);
        if (name !== undefined && c.name('stream', name, [...at, 'streams', i])) streams.push(name);
      });
      if (!streams.length) return c.fail([...at, 'streams'], 'at least one source stream is required');
      const advisoryStream = c.string(o.advisoryStream, [...at, 'advisoryStream']);
      if (advisoryStream !== undefined && !c.name('stream', advisoryStream, [...at, 'advisoryStream']))
        return undefined;
      const durable = c.string(o.durable, [...at, 'durable']);
      if (durable !== undefined && !c.name('consumer', durable, [...at, 'durable'])) return undefined;
      const dlqSubjects =
        o.dlqSubjects === undefined ? undefined : c.subjects(o.dlqSubjects, [...at, 'dlqSubjects']);
      const dead = readDeadLetterOptions(c, o, at);
      if (!dead) return undefined;
      if (!dead.subjects?.length && !dlqSubjects?.length) {
        return c.fail(
          [...at, 'subjects'],
          'is required: the subjects of its streams, whose jobs it may dead-letter (as dlq.<subject>); dlq.> is no longer granted',
        );
      }
      // `dead` carries deadLetterStream too (read with the other dead-letter options).
      return build(c, at, () => reaper({ streams, advisoryStream, durable, dlqSubjects, ...dead }));
    }
  }
}

/** `subjects` and `deadLetterPrefix` of a consuming role; undefined after reporting a problem. */
function readDeadLetterOptions(
  c: Checker,
  o: Record<string, unknown>,
  at: PolicyPath,
): DeadLetterOptions | undefined {
  const out: DeadLetterOptions = {};
  if (o.subjects !== undefined) out.subjects = c.subjects(o.subjects, [...at, 'subjects']);
  if (o.deadLetterPrefix !== undefined) {
    const prefix = c.string(o.deadLetterPrefix, [...at, 'deadLetterPrefix'], true);
    if (prefix === undefined) return undefined;
    const problem = subjectSyntaxError(prefix);
    if (problem || /[*>]/.test(prefix)) {
      return c.fail([...at, 'deadLetterPrefix'], problem ?? `"${prefix}" may not contain wildcards`);
    }
    out.deadLetterPrefix = prefix;
  }
  if (o.idempotency !== undefined) {
    if (typeof o.idempotency !== 'boolean') return c.fail([...at, 'idempotency'], 'must be true or false');
    out.idempotency = o.idempotency;
  }
  if (o.deadLetterStream !== undefined) {
    const stream = c.string(o.deadLetterStream, [...at, 'deadLetterStream'], true);
    if (stream === undefined || !c.name('stream', stream, [...at, 'deadLetterStream'])) return undefined;
    out.deadLetterStream = stream;
  }
  return out;
}

/** Role definitions of one scope; `taken` holds names already defined elsewhere (lower-cased). */
function readRoles(
  c: Checker,
  value: unknown,
  path: PolicyPath,
  taken: Map<string, string>,
  declared: Set<string>,
): Record<string, RolePermissions> {
  const roles: Record<string, RolePermissions> = {};
  const local = new Map<string, string>();
  for (const [name, def] of Object.entries(c.map(value, path))) {
    const at = [...path, name];
    if (!c.name('role', name, at)) continue;
    const key = name.toLowerCase();
    const clash = local.get(key) ?? taken.get(key);
    if (clash !== undefined) {
      c.fail(
        at,
        `duplicate role "${name}" (already defined${clash === name ? '' : ` as "${clash}"`} in ${local.has(key) ? 'this scope' : 'roles'})`,
      );
      continue;
    }
    local.set(key, name);
    declared.add(name);
    const role = readRole(c, def, at);
    if (role) roles[name] = role;
  }
  return roles;
}

function readExports(c: Checker, value: unknown, path: PolicyPath): AccountExport[] {
  const out: AccountExport[] = [];
  const names = new Set<string>();
  const subjects = new Set<string>();
  c.list(value, path).forEach((item, i) => {
    const at = [...path, i];
    const o = c.object(item, at, ['subject', 'type', 'name', 'public', 'description']);
    if (!o) return;
    const subject = c.subject(o.subject, [...at, 'subject']);
    const type = readExportType(c, o.type, [...at, 'type']);
    const name = c.string(o.name, [...at, 'name']) ?? subject;
    const description = c.string(o.description, [...at, 'description']);
    const isPublic = c.boolean(o.public, [...at, 'public']) ?? false;
    if (subject === undefined || type === undefined || name === undefined) return;
    if (names.has(name)) return c.fail([...at, 'name'], `duplicate export name "${name}"`);
    if (subjects.has(`${type} ${subject}`))
      return c.fail([...at, 'subject'], `duplicate ${type} export of "${subject}"`);
    names.add(name);
    subjects.add(`${type} ${subject}`);
    out.push({
      name,
      subject,
      type,
      public: isPublic,
      ...(description !== undefined ? { description } : {}),
    });
  });
  return out;
}

function readExportType(c: Checker, value: unknown, path: PolicyPath): ExportType | undefined {
  const type = c.string(value, path) ?? 'stream';
  return (EXPORT_TYPES as readonly string[]).includes(type)
    ? (type as ExportType)
    : c.fail(path, `must be "stream" or "service", got "${type}"`);
}

/** Imports are read after every account's exports, since they point at other accounts. */
function readImports(
  c: Checker,
  value: unknown,
  path: PolicyPath,
  self: string,
  exportsByAccount: Map<string, AccountExport[]>,
): AccountImport[] {
  const out: AccountImport[] = [];
  const seen = new Set<string>();
  const locals = new Set<string>();
  c.list(value, path).forEach((item, i) => {
    const at = [...path, i];
    const o = c.object(item, at, ['account', 'subject', 'type', 'name', 'localSubject']);
    if (!o) return;
    const account = c.string(o.account, [...at, 'account'], true);
    const subject = c.subject(o.subject, [...at, 'subject']);
    const type = readExportType(c, o.type, [...at, 'type']);
    const name = c.string(o.name, [...at, 'name']) ?? subject;
    const localSubject =
      o.localSubject === undefined ? undefined : c.subject(o.localSubject, [...at, 'localSubject']);
    if (account === undefined || subject === undefined || type === undefined || name === undefined) return;
    if (account === self) return c.fail([...at, 'account'], 'an account cannot import from itself');
    const exported = exportsByAccount.get(account);
    if (!exported) {
      return c.fail(
        [...at, 'account'],
        `unknown account "${account}"${suggest(account, exportsByAccount.keys())}`,
      );
    }
    const candidates = exported.filter((e) => e.type === type);
    if (!candidates.some((e) => subjectCovers(e.subject, subject))) {
      const offered = candidates.map((e) => e.subject).join(', ') || 'none';
      return c.fail(
        [...at, 'subject'],
        `account ${account} does not export "${subject}" as a ${type} (its ${type} exports: ${offered})`,
      );
    }
    const key = `${account} ${type} ${subject}`;
    if (seen.has(key)) return c.fail(at, `duplicate import of ${type} "${subject}" from ${account}`);
    const local = localSubject ?? subject;
    if (locals.has(`${type} ${local}`))
      return c.fail(at, `another ${type} import already maps to "${local}"`);
    seen.add(key);
    locals.add(`${type} ${local}`);
    out.push({ name, account, subject, type, ...(localSubject !== undefined ? { localSubject } : {}) });
  });
  return out;
}

function readCidrs(c: Checker, value: unknown, path: PolicyPath): string[] {
  const out: string[] = [];
  c.list(value, path).forEach((item, i) => {
    const cidr = c.string(item, [...path, i], true);
    if (cidr === undefined) return;
    const [address, prefix, ...rest] = cidr.split('/');
    const family = isIP(address);
    const bits = Number(prefix);
    const max = family === 6 ? 128 : 32;
    if (!family || prefix === undefined || rest.length || !/^\d+$/.test(prefix) || bits > max) {
      c.fail([...path, i], `"${cidr}" is not a CIDR like 10.0.0.0/8 or 127.0.0.1/32`);
    } else out.push(cidr);
  });
  return out;
}

function readExpires(c: Checker, value: unknown, path: PolicyPath): Date | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? c.fail(path, 'is not a valid time') : value;
  if (typeof value === 'string' && ISO_TIME.test(value.trim())) {
    const d = parseIsoTime(value.trim());
    if (d) return d;
  }
  return c.fail(path, `must be an ISO 8601 time like 2026-12-31T23:59:59Z, got ${describe(value)}`);
}

/** `declared`: role names defined but invalid, already reported; users naming them add no error. */
function readUsers(
  c: Checker,
  value: unknown,
  path: PolicyPath,
  roles: Record<string, RolePermissions>,
  declared: Set<string>,
): UserPolicy[] {
  const users: UserPolicy[] = [];
  const seen = new Map<string, string>();
  for (const [name, def] of Object.entries(c.map(value, path))) {
    const at = [...path, name];
    if (!c.name('user', name, at)) continue;
    const clash = seen.get(name.toLowerCase());
    if (clash !== undefined) {
      c.fail(at, `duplicate user "${name}" (also "${clash}"; names are compared case-insensitively)`);
      continue;
    }
    seen.set(name.toLowerCase(), name);
    const o = c.object(def ?? {}, at, [
      'roles',
      'publish',
      'subscribe',
      'inboxPrefix',
      'expires',
      'allowedCidrs',
      'allowResponses',
    ]);
    if (!o) continue;
    const userRoles: string[] = [];
    c.list(o.roles, [...at, 'roles']).forEach((r, i) => {
      const role = c.string(r, [...at, 'roles', i], true);
      if (role === undefined) return;
      if (!(role in roles)) {
        if (declared.has(role)) return;
        return c.fail([...at, 'roles', i], `unknown role "${role}"${suggest(role, Object.keys(roles))}`);
      }
      if (userRoles.includes(role)) return c.fail([...at, 'roles', i], `role "${role}" is listed twice`);
      userRoles.push(role);
    });
    const publish = c.permissionList(o.publish, [...at, 'publish']);
    const subscribe = c.permissionList(o.subscribe, [...at, 'subscribe']);
    const inboxPrefix =
      o.inboxPrefix === undefined ? undefined : c.subject(o.inboxPrefix, [...at, 'inboxPrefix'], false);
    const allowResponses = c.allowResponses(o.allowResponses, [...at, 'allowResponses']);
    const user: UserPolicy = {
      name,
      roles: userRoles,
      publish,
      subscribe,
      allowedCidrs: readCidrs(c, o.allowedCidrs, [...at, 'allowedCidrs']),
    };
    const expires = readExpires(c, o.expires, [...at, 'expires']);
    if (inboxPrefix !== undefined) user.inboxPrefix = inboxPrefix;
    if (expires) user.expires = expires;
    if (allowResponses) user.allowResponses = allowResponses;
    const listed = Array.isArray(o.roles) && o.roles.length > 0;
    if (!listed && !publish.allow.length && !subscribe.allow.length && !allowResponses) {
      c.fail(at, 'user has no permissions: give it roles or publish/subscribe allow lists');
    }
    users.push(user);
  }
  return users;
}

/**
 * Checks a policy document (parsed YAML/JSON or a literal object) and returns it normalized.
 * Throws `PolicyValidationError` listing every problem, each a `PolicyError` with its path.
 */
export function validatePolicy(input: unknown, options: { source?: string } = {}): AuthPolicy {
  const c = new Checker();
  const policy = check(c, input);
  if (c.errors.length || !policy) throw new PolicyValidationError(c.errors, options.source);
  return policy;
}

function check(c: Checker, input: unknown): AuthPolicy | undefined {
  if (input === null || input === undefined) {
    return c.fail([], 'the policy is empty: it needs at least `operator` and `accounts`');
  }
  const root = c.object(input, [], ['version', 'operator', 'roles', 'accounts']);
  if (!root) return undefined;
  if (root.version !== undefined && root.version !== POLICY_VERSION) {
    c.fail(
      ['version'],
      `unsupported version ${JSON.stringify(root.version)} (this jetbus reads version ${POLICY_VERSION})`,
    );
  }
  const op = c.object(root.operator, ['operator'], ['name']);
  const operatorName = op ? c.string(op.name, ['operator', 'name'], true) : undefined;
  if (operatorName !== undefined) c.name('operator', operatorName, ['operator', 'name']);

  const globalDeclared = new Set<string>();
  const globalRoles = readRoles(c, root.roles, ['roles'], new Map(), globalDeclared);
  const globalNames = new Map(Object.keys(globalRoles).map((n) => [n.toLowerCase(), n]));

  if (root.accounts === undefined || root.accounts === null) c.fail(['accounts'], 'is required');
  const accountDocs = c.map(root.accounts, ['accounts']);
  const seen = new Map<string, string>();
  const exportsByAccount = new Map<string, AccountExport[]>();
  const pending: { name: string; doc: Obj; at: PolicyPath }[] = [];
  for (const [name, doc] of Object.entries(accountDocs)) {
    const at: PolicyPath = ['accounts', name];
    if (!c.name('account', name, at)) continue;
    if (name.toUpperCase() === SYSTEM_ACCOUNT_NAME) {
      c.fail(at, `"${name}" is reserved: the system account ${SYSTEM_ACCOUNT_NAME} is created automatically`);
      continue;
    }
    const clash = seen.get(name.toLowerCase());
    if (clash !== undefined) {
      c.fail(at, `duplicate account "${name}" (also "${clash}"; names are compared case-insensitively)`);
      continue;
    }
    seen.set(name.toLowerCase(), name);
    const o = c.object(doc ?? {}, at, ['description', 'limits', 'exports', 'imports', 'roles', 'users']);
    if (!o) continue;
    exportsByAccount.set(name, readExports(c, o.exports, [...at, 'exports']));
    pending.push({ name, doc: o, at });
  }

  const accounts: AccountPolicy[] = pending.map(({ name, doc, at }) => {
    const declared = new Set(globalDeclared);
    const roles = readRoles(c, doc.roles, [...at, 'roles'], globalNames, declared);
    const account: AccountPolicy = {
      name,
      limits: readLimits(c, doc.limits, [...at, 'limits']),
      exports: exportsByAccount.get(name) ?? [],
      imports: readImports(c, doc.imports, [...at, 'imports'], name, exportsByAccount),
      roles,
      users: readUsers(c, doc.users, [...at, 'users'], { ...globalRoles, ...roles }, declared),
    };
    const description = c.string(doc.description, [...at, 'description']);
    if (description !== undefined) account.description = description;
    return account;
  });

  if (operatorName === undefined) return undefined;
  return { version: POLICY_VERSION, operator: { name: operatorName }, roles: globalRoles, accounts };
}
