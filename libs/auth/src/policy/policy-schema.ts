import { isIP } from 'node:net';
import { didYouMean } from '@jetbus/core/wire';
import { z } from 'zod';
import { parseByteSize } from './byte-size';
import { parseIsoTime } from './expiry';
import { POLICY_VERSION, UNLIMITED } from './policy-defaults';
import { nameSyntaxError, subjectSyntaxError } from './subject';

/*
 * The policy file (`jetbus-auth.yaml`) declared once: this schema checks its structure and types
 * (with the messages `validatePolicy` reports), gives the parsed document its type, and is
 * published as JSON Schema (`jetbus-auth.schema.json`, scripts/write-policy-schema.mjs) for
 * editors. What a schema cannot say (names unique across scopes, roles and imports that must
 * exist) is checked afterwards by the small functions in policy-references.ts.
 *
 * Every object is strict: an unknown field is an error, so a typo cannot silently widen or drop a
 * permission. A key left empty in YAML (`limits:`) is null, which means the same as leaving it out.
 */

/**
 * Names and descriptions of the schema's parts, for the JSON Schema. A registry of its own rather
 * than zod's global one: an application's own zod schemas may use the same ids.
 */
const policyDocs = z.registry<{ id?: string; title?: string; description?: string }>();

/** How a value is named in a message: `number -5`, `string "x"`, `a list`, `nothing`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/** ` (did you mean "limits"?)` when a known name is close to `name`, else empty. */
export function didYouMeanHint(name: string, known: Iterable<string>): string {
  const best = didYouMean(name, [...known]);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

/** Every issue of a schema gets the same message, made from the offending value. */
const always = (message: (input: unknown) => string) => ({
  error: (issue: { input?: unknown }) => message(issue.input),
});

/**
 * A strict object whose unknown keys are reported one per key, each with a did-you-mean among this
 * object's own fields (`validatePolicy` splits the lines).
 */
function strict<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => `unknown field "${key}"${didYouMeanHint(key, known)}`).join('\n')
        : undefined,
  });
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** A name usable as a NATS token and a file name: stream, consumer, account, user and role names. */
const name = (kind: string) =>
  z.string().regex(NAME, { error: (issue) => nameSyntaxError(kind, String(issue.input)) });

/** A NATS subject; `wildcards: false` refuses `*` and `>`. */
const subject = (wildcards = true) =>
  z.string().superRefine((s, ctx) => {
    const problem = subjectSyntaxError(s, { wildcards });
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const subjects = z
  .array(subject())
  .nullish()
  .register(policyDocs, { id: 'Subjects', description: 'NATS subjects.' });

const COUNT = (v: unknown): string =>
  `must be a whole number >= 0, -1 or "unlimited", got ${describeValue(v)}`;
const SIZE = (v: unknown): string =>
  typeof v === 'string' ? `must be a size like "512MiB", "1G" or a number of bytes, got "${v}"` : COUNT(v);

const wholeNumber = z.number(always(COUNT)).int(always(COUNT)).min(UNLIMITED, always(COUNT));

/** A count; -1 or `unlimited` means no limit. */
const count = z
  .union([z.literal('unlimited', always(COUNT)), wholeNumber], always(COUNT))
  .transform((v) => (v === 'unlimited' ? UNLIMITED : v))
  .nullish()
  .register(policyDocs, { id: 'Count', description: 'A count; -1 or "unlimited" means no limit.' });

/** Bytes as a number or `512MiB`, `1G` (binary), `10MB` (decimal); -1 or `unlimited` = no limit. */
const bytes = z
  .union(
    [
      z.literal('unlimited', always(SIZE)),
      wholeNumber,
      z.string().refine((s) => parseByteSize(s) !== undefined, always(SIZE)),
    ],
    always(SIZE),
  )
  .transform((v) => (v === 'unlimited' ? UNLIMITED : typeof v === 'string' ? parseByteSize(v)! : v))
  .nullish()
  .register(policyDocs, {
    id: 'ByteSize',
    description:
      'Bytes: a number, or "512MiB", "1G" (binary), "10MB" (decimal); -1 or "unlimited" = no limit.',
  });

const flag = z
  .boolean({ error: (issue) => `must be true or false, got ${describeValue(issue.input)}` })
  .nullish();

const DURATION_UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^\s*(\d+)(ms|s|m|h)\s*$/;
const durationMessage = (v: unknown): string =>
  `must be a duration like "250ms", "5s", "1m" or milliseconds, got ${describeValue(v)}`;

/** A duration as `250ms`, `5s`, `1m`, `2h` or milliseconds. */
const duration = z
  .union(
    [
      z.number(always(durationMessage)).int(always(durationMessage)).min(0, always(durationMessage)),
      z.string().regex(DURATION, always(durationMessage)),
    ],
    always(durationMessage),
  )
  .transform((v) => {
    if (typeof v === 'number') return v;
    const [, n, unit] = DURATION.exec(v)!;
    return Number(n) * DURATION_UNITS[unit as keyof typeof DURATION_UNITS];
  })
  .nullish()
  .register(policyDocs, {
    id: 'Duration',
    description: 'A duration: "250ms", "5s", "1m", "2h" or milliseconds.',
  });

const permissionList = strict({ allow: subjects, deny: subjects })
  .nullish()
  .register(policyDocs, { id: 'PermissionList', description: 'Subjects allowed and denied; deny wins.' });

const allowResponses = z
  .union([z.boolean(), strict({ max: count, ttl: duration })])
  .superRefine((v, ctx) => {
    if (typeof v === 'object' && v.max === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['max'],
        message: 'must not be 0 (leave allowResponses out instead)',
      });
    }
  })
  .nullish()
  .register(policyDocs, {
    id: 'AllowResponses',
    description: '`true` = one reply per request, no time limit; or { max, ttl }.',
  });

/** `subjects` and the dead-letter options of a consuming role. */
const deadLetterFields = {
  subjects: subjects.clone().register(policyDocs, {
    description:
      'The subjects its durable consumes: it may dead-letter exactly these (<deadLetterPrefix>.<subject>).',
  }),
  deadLetterPrefix: z
    .string()
    .superRefine((prefix, ctx) => {
      const problem =
        subjectSyntaxError(prefix) ??
        (/[*>]/.test(prefix) ? `"${prefix}" may not contain wildcards` : undefined);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .nullish()
    .register(policyDocs, { description: "The module's deadLetter.subjectPrefix. Default: dlq" }),
  deadLetterStream: name('stream')
    .nullish()
    .register(policyDocs, { description: "The module's deadLetter.stream. Default: JETBUS_DLQ" }),
};

const consumerRole = strict({
  stream: name('stream'),
  consumer: name('consumer'),
  ...deadLetterFields,
  idempotency: flag.clone().register(policyDocs, {
    description: "Its handlers use idempotency: its durable's completed-job bucket.",
  }),
  lanes: z.enum(['priorities', 'fairness']).nullish().register(policyDocs, {
    description:
      'Its handler has priorities (its _prio_high and _prio_low durables) or fairness (group durables: every consumer of the stream, created only on <subject>._group.* of its subjects).',
  }),
  rateLimit: flag.clone().register(policyDocs, {
    description: "Its handlers use rateLimit: its durable's sliding logs in the JETBUS_RATE bucket.",
  }),
}).register(policyDocs, { id: 'ConsumerRole' });

const builtinRoles = {
  producer: strict({ subjects })
    .superRefine((o, ctx) => {
      if (!o.subjects?.length)
        ctx.addIssue({ code: 'custom', path: ['subjects'], message: 'at least one subject is required' });
    })
    .optional()
    .register(policyDocs, { description: 'Publishes to `subjects` and reads its replies.' }),
  worker: consumerRole
    .optional()
    .register(policyDocs, { description: 'Consumes an existing durable of `stream`.' }),
  service: consumerRole
    .optional()
    .register(policyDocs, { description: 'A worker that also creates its own durable.' }),
  admin: z
    .union([z.null(), z.literal(true), strict({ publish: subjects, subscribe: subjects })])
    .optional()
    .register(policyDocs, {
      description: 'The whole JetStream API, plus `publish` (e.g. replay subjects) and `subscribe`.',
    }),
  'admin-app': z
    .union([
      z.null(),
      z.literal(true),
      strict({ replaySubjects: subjects, schedulingStream: name('stream').nullish() }),
    ])
    .optional()
    .register(policyDocs, {
      description:
        "The admin web app's user; `replaySubjects`: where it may replay dead letters to; `schedulingStream`: the workers' `scheduling.stream` (default JETBUS_SCHEDULED).",
    }),
  reaper: strict({
    streams: z.array(name('stream')).nullish(),
    ...deadLetterFields,
    advisoryStream: name('stream').nullish(),
    durable: name('consumer').nullish(),
    dlqSubjects: subjects,
  })
    .superRefine((o, ctx) => {
      if (!o.streams?.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['streams'],
          message: 'at least one source stream is required',
        });
      }
      if (!o.subjects?.length && !o.dlqSubjects?.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['subjects'],
          message:
            'is required: the subjects of its streams, whose jobs it may dead-letter (as dlq.<subject>); dlq.> is no longer granted',
        });
      }
    })
    .optional()
    .register(policyDocs, { description: 'Dead-letters jobs of `streams` that ran out of deliveries.' }),
};

/** The keys that make a role built-in; a role has exactly one of them, or only custom keys. */
export const BUILTIN_ROLE_KEYS = Object.keys(builtinRoles) as (keyof typeof builtinRoles)[];

const customRole = {
  publish: permissionList,
  subscribe: permissionList,
  inbox: flag.clone().register(policyDocs, {
    description: "Subscribe to the user's inbox (for requests and PubAcks). Default: false",
  }),
  allowResponses,
};

/** Exactly one of the built-ins, or custom `publish` / `subscribe` lists. */
const role = strict({ ...builtinRoles, ...customRole })
  .superRefine((r, ctx) => {
    const keys = Object.keys(r);
    const builtins = BUILTIN_ROLE_KEYS.filter((k) => k in r);
    if (builtins.length > 0 && keys.length > 1) {
      ctx.addIssue({
        code: 'custom',
        message: `a built-in role takes exactly one key (${builtins[0]}), got: ${keys.join(', ')}`,
      });
    } else if (
      builtins.length === 0 &&
      !r.publish?.allow?.length &&
      !r.subscribe?.allow?.length &&
      !r.allowResponses &&
      !r.inbox
    ) {
      ctx.addIssue({
        code: 'custom',
        message: `role allows nothing: use one of ${BUILTIN_ROLE_KEYS.join(', ')} or publish/subscribe allow lists`,
      });
    }
  })
  .register(policyDocs, { id: 'Role' });

const roles = z.record(name('role'), role).nullish();

const exportType = z
  .enum(['stream', 'service'], {
    error: (issue) =>
      typeof issue.input === 'string'
        ? `must be "stream" or "service", got "${issue.input}"`
        : `must be a string, got ${describeValue(issue.input)}`,
  })
  .nullish()
  .register(policyDocs, {
    description: '`stream`: messages flow to importers; `service`: importers send requests. Default: stream',
  });

const accountExport = strict({
  subject: subject(),
  type: exportType,
  name: z.string().nullish().register(policyDocs, { description: 'Default: the subject' }),
  public: flag.clone().register(policyDocs, {
    description: 'Any account may import it; by default only the importers in this policy. Default: false',
  }),
  description: z.string().nullish(),
}).register(policyDocs, { id: 'Export' });

const accountImport = strict({
  account: z.string().register(policyDocs, { description: 'The exporting account.' }),
  subject: subject().register(policyDocs, {
    description: "Must be covered by one of that account's exports of the same type.",
  }),
  type: exportType,
  name: z.string().nullish().register(policyDocs, { description: 'Default: the subject' }),
  localSubject: subject().nullish().register(policyDocs, {
    description: 'Where the imported subject appears in this account. Default: the subject',
  }),
}).register(policyDocs, { id: 'Import' });

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const expiryMessage = (v: unknown): string =>
  `must be an ISO 8601 time like 2026-12-31T23:59:59Z, got ${describeValue(v)}`;

/** A real calendar time: `2031-02-31` is refused rather than rolled over to March. */
const expires = z
  .union(
    [
      z
        .string(always(expiryMessage))
        .refine(
          (s) => ISO_TIME.test(s.trim()) && parseIsoTime(s.trim()) !== undefined,
          always(expiryMessage),
        ),
      // A YAML timestamp or a Date in a policy written as an object.
      z.date({ error: () => 'is not a valid time' }),
    ],
    always(expiryMessage),
  )
  .transform((v) => (v instanceof Date ? v : parseIsoTime(v.trim())!))
  .nullish()
  .register(policyDocs, {
    description: "ISO 8601 time after which the user's JWT is invalid, e.g. 2026-12-31T23:59:59Z.",
  });

const cidr = z.string().refine(
  (s) => {
    const [address, prefix, ...rest] = s.split('/');
    const family = isIP(address);
    return (
      Boolean(family) &&
      prefix !== undefined &&
      !rest.length &&
      /^\d+$/.test(prefix) &&
      Number(prefix) <= (family === 6 ? 128 : 32)
    );
  },
  always((v) => `"${String(v)}" is not a CIDR like 10.0.0.0/8 or 127.0.0.1/32`),
);

const user = strict({
  roles: z
    .array(z.string())
    .nullish()
    .register(policyDocs, { description: "Role names: the account's roles, then the policy-wide ones." }),
  publish: permissionList,
  subscribe: permissionList,
  inboxPrefix: subject(false).nullish().register(policyDocs, {
    description: 'The user connects with this inboxPrefix and gets <inboxPrefix>.> instead of _INBOX.>.',
  }),
  allowedCidrs: z.array(cidr).nullish().register(policyDocs, {
    description: 'Source networks it may connect from, e.g. 10.0.0.0/8. Default: anywhere',
  }),
  expires,
  allowResponses,
})
  .superRefine((u, ctx) => {
    if (!u.roles?.length && !u.publish?.allow?.length && !u.subscribe?.allow?.length && !u.allowResponses) {
      ctx.addIssue({
        code: 'custom',
        message: 'user has no permissions: give it roles or publish/subscribe allow lists',
      });
    }
  })
  .register(policyDocs, { id: 'User' });

const jetStreamLimits = strict({
  memoryStorage: bytes,
  diskStorage: bytes,
  streams: count,
  consumers: count,
  maxAckPending: count
    .clone()
    .register(policyDocs, { description: "Cap on any consumer's max_ack_pending." }),
  memoryMaxStreamBytes: bytes,
  diskMaxStreamBytes: bytes,
  maxBytesRequired: flag
    .clone()
    .register(policyDocs, { description: 'Streams must set max_bytes. Default: false' }),
}).register(policyDocs, { id: 'JetStreamLimits' });

const accountLimits = strict({
  connections: count,
  leafNodes: count,
  subscriptions: count,
  data: bytes,
  payload: bytes,
  imports: count,
  exports: count,
  wildcardExports: flag
    .clone()
    .register(policyDocs, { description: 'Whether exports may contain wildcards. Default: true' }),
  jetstream: z.union([z.boolean(), jetStreamLimits]).nullish().register(policyDocs, {
    description: 'JetStream limits (every one unlimited by default); false disables JetStream.',
  }),
}).register(policyDocs, { id: 'AccountLimits' });

const account = strict({
  description: z.string().nullish(),
  limits: accountLimits
    .nullish()
    .register(policyDocs, { description: 'Every field optional; default -1 (unlimited), always written.' }),
  exports: z.array(accountExport).nullish(),
  imports: z.array(accountImport).nullish(),
  roles: roles
    .clone()
    .register(policyDocs, { description: 'Roles of this account only; they add to the policy-wide ones.' }),
  users: z.record(name('user'), user.nullish()).nullish(),
}).register(policyDocs, { id: 'Account' });

/** The policy document: structure, types and the checks one value at a time. */
export const policySchema = strict({
  version: z
    .literal(POLICY_VERSION, {
      error: (issue) =>
        `unsupported version ${JSON.stringify(issue.input)} (this jetbus reads version ${POLICY_VERSION})`,
    })
    .optional(),
  operator: strict({ name: name('operator') }),
  roles: roles.clone().register(policyDocs, { description: 'Roles every account may use.' }),
  accounts: z
    .record(name('account'), account.nullish(), {
      error: (issue) =>
        issue.code === 'invalid_type'
          ? issue.input == null
            ? 'is required'
            : `must be a map of names, got ${describeValue(issue.input)}`
          : undefined,
    })
    .register(policyDocs, {
      description:
        'App accounts by name. SYS (the system account) is always created and may not be declared.',
    }),
}).register(policyDocs, {
  title: 'jetbus auth policy',
  description: 'jetbus-auth.yaml: compiled by `jetbus auth apply` (@jetbus/auth).',
});

/** A policy as `policySchema` parsed it: sizes, counts, durations and times read, nothing resolved yet. */
export type ParsedPolicy = z.output<typeof policySchema>;
export type ParsedAccount = NonNullable<ParsedPolicy['accounts'][string]>;
export type ParsedRole = z.output<typeof role>;
export type ParsedUser = NonNullable<z.output<typeof user>>;
export type ParsedAccountLimits = NonNullable<ParsedAccount['limits']>;
export type ParsedExport = z.output<typeof accountExport>;
export type ParsedImport = z.output<typeof accountImport>;
export type ParsedPermissionList = z.output<typeof permissionList>;
export type ParsedAllowResponses = z.output<typeof allowResponses>;

/** Where the published JSON Schema of the policy lives in the package (and its `$id`). */
export const POLICY_JSON_SCHEMA_FILE = 'jetbus-auth.schema.json';

/**
 * The policy's JSON Schema, for editors (`# yaml-language-server: $schema=...`): the input side of
 * `policySchema` (what is written, before sizes and times are read), draft-07, which every YAML
 * language server reads.
 */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(policySchema, {
    metadata: policyDocs,
    io: 'input',
    target: 'draft-07',
    unrepresentable: 'any',
    override: (ctx) => {
      // A Date only comes from code (or a YAML timestamp); in a file an expiry is a string.
      if (ctx.zodSchema._zod.def.type === 'date')
        Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' });
    },
  }) as Record<string, unknown>;
}
