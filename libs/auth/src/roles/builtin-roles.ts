import { nameSyntaxError, subjectSyntaxError } from '../policy/subject';
import {
  ATTEMPT_LEDGER_BUCKET,
  AUDIT_STREAM,
  AUDIT_SUBJECT_PREFIX,
  CANCELLED_BUCKET,
  WORKERS_BUCKET,
  DEFAULT_ADVISORY_STREAM,
  DEFAULT_DLQ_PREFIX,
  DEFAULT_DLQ_STREAM,
  completedJobsBucket,
  deadLetterMarksBucket,
  groupFilter,
  priorityDurable,
  kvKeyPart,
  RATE_LIMIT_BUCKET,
  deadLetterPayloadBucket,
  reaperDurable,
} from './role-defaults';
import {
  type PermissionList,
  type ResponsePermission,
  RoleKinds,
  type RolePermissions,
} from './role-permissions';
import { DEFAULT_SCHEDULED_STREAM, scheduleOutcomesBucket } from './scheduling-names';

/*
 * Least-privilege permission sets for jetbus processes, each verified against nats-server 2.9.10
 * by libs/auth/src/integration/roles.int.ts. Subjects are the server's own:
 * S = stream, C = consumer (durable) name.
 */

function checkName(kind: string, name: string): string {
  const problem = nameSyntaxError(kind, name);
  if (problem) throw new TypeError(problem);
  return name;
}

function checkSubjects(subjects: readonly string[], what: string): string[] {
  if (subjects.length === 0) throw new TypeError(`${what}: at least one subject is required`);
  for (const s of subjects) {
    const problem = subjectSyntaxError(s);
    if (problem) throw new TypeError(`${what}: ${problem}`);
  }
  return [...subjects];
}

const list = (allow: string[] = [], deny: string[] = []): PermissionList => ({ allow, deny });

/** Which dead letters a consuming role may publish. */
export interface DeadLetterOptions {
  /**
   * The subjects it consumes (its durable's filter subjects): it may publish their dead letters,
   * `<deadLetterPrefix>.<subject>`, and no one else's. @default [] (no dead letters)
   */
  subjects?: readonly string[];
  /** The module's `deadLetter.subjectPrefix`. @default 'dlq' */
  deadLetterPrefix?: string;
  /** The module's `deadLetter.stream`: names the bucket of its oversized payloads. @default 'JETBUS_DLQ' */
  deadLetterStream?: string;
  /**
   * The handler uses `idempotency`: grant its completed-job bucket `JETBUS_DONE_<consumer>`. Off by
   * default: every permission lengthens the user JWT, which travels in each CONNECT. @default false
   */
  idempotency?: boolean;
  /**
   * The handler's lanes. `priorities`: its `<consumer>_prio_high` and `_prio_low` durables as well.
   * `fairness`: its group durables, created and deleted at run time; a consumer name has no wildcard
   * for "starts with", so this grants info, pull, ack and delete on every consumer of the stream
   * (give such a handler a stream of its own), and creation only of consumers filtered on
   * `<subject>._group.*` of its `subjects` (required). @default none
   */
  lanes?: 'priorities' | 'fairness';
  /**
   * The handler uses `rateLimit`: grant its consumer's sliding logs in `JETBUS_RATE`
   * (`<stream>.<consumer>.<key>`), read and compare-and-set. @default false
   */
  rateLimit?: boolean;
}

/**
 * The dead-letter subjects of `subjects`: `dlq.orders.created` for `orders.created`. Granting
 * `dlq.>` instead would let any service file (forged) dead letters for every other service's
 * jobs, which an operator may later replay with admin rights.
 */
export function deadLetterSubjects(subjects: readonly string[], prefix = DEFAULT_DLQ_PREFIX): string[] {
  const problem = subjectSyntaxError(prefix);
  if (problem || /[*>]/.test(prefix)) {
    throw new TypeError(`deadLetterPrefix: ${problem ?? `"${prefix}" may not contain wildcards`}`);
  }
  return checkSubjects(subjects, 'subjects').map((s) => `${prefix}.${s}`);
}

const deadLetters = (options: DeadLetterOptions): string[] =>
  options.subjects?.length ? deadLetterSubjects(options.subjects, options.deadLetterPrefix) : [];

/**
 * Publishes jobs/events to `subjects` and waits for the PubAck (which arrives on its inbox). A
 * JetStream publish needs no `$JS.API` permission: it is a plain publish the stream captures.
 */
export function producer(subjects: readonly string[]): RolePermissions {
  return {
    kind: RoleKinds.Producer,
    publish: list(checkSubjects(subjects, 'producer')),
    subscribe: list(),
    inbox: true,
  };
}

/**
 * Consumes an existing durable pull consumer `consumer` of `stream`: info, pull, ack/nak/term/working;
 * with `subjects`, dead-letters its failed jobs (`dlq.<subject>` only); writes its process's heartbeat
 * (`heartbeat`: the user's own keys of `JETBUS_WORKERS`, added per user when compiled).
 */
export function worker(stream: string, consumer: string, options: DeadLetterOptions = {}): RolePermissions {
  const s = checkName('stream', stream);
  const c = checkName('consumer', consumer);
  const dlq = deadLetters(options);
  return {
    kind: RoleKinds.Worker,
    publish: list([
      ...durableAccess(s, c),
      ...laneAccess(s, c, options),
      ...dlq,
      // nats.js checks the API before it opens or creates a KV or object store bucket.
      '$JS.API.INFO',
      ...kvBucket(ATTEMPT_LEDGER_BUCKET, `${s}.${c}.*`),
      ...workersBucket,
      ...(options.idempotency ? kvBucket(completedJobsBucket(c), '>') : []),
      ...(options.rateLimit ? kvBucket(RATE_LIMIT_BUCKET, `${kvKeyPart(s)}.${kvKeyPart(c)}.*`) : []),
      ...(dlq.length
        ? objectBucket(
            deadLetterPayloadBucket(checkName('stream', options.deadLetterStream ?? DEFAULT_DLQ_STREAM), s),
          )
        : []),
    ]),
    subscribe: list(),
    inbox: true,
    heartbeat: true,
  };
}

/**
 * The heartbeat bucket, looked up or created at startup. Writing needs the user's own keys, which a
 * role cannot name: the compiler adds `$KV.JETBUS_WORKERS.<user>.>` for roles with `heartbeat`. A
 * worker never reads heartbeats, so no get.
 */
const workersBucket: readonly string[] = [
  `$JS.API.STREAM.INFO.KV_${WORKERS_BUCKET}`,
  `$JS.API.STREAM.CREATE.KV_${WORKERS_BUCKET}`,
];

/** Reads, pulls from and settles (ack/nak/term/working) the durable `c` of `s`. */
const durableAccess = (s: string, c: string): string[] => [
  `$JS.API.CONSUMER.INFO.${s}.${c}`,
  `$JS.API.CONSUMER.MSG.NEXT.${s}.${c}`,
  `$JS.ACK.${s}.${c}.>`,
];

/**
 * The lane durables of a worker. Fairness also creates group durables (filtered on its subjects'
 * group lanes only), reads the stream's subject counts to find groups, and deletes idle group
 * durables; those run in every worker, so `worker` gets them as well as `service`.
 */
function laneAccess(s: string, c: string, options: DeadLetterOptions): string[] {
  if (options.lanes === undefined) return [];
  if (options.lanes === 'priorities') {
    return [...durableAccess(s, priorityDurable(c, 'high')), ...durableAccess(s, priorityDurable(c, 'low'))];
  }
  if (options.lanes !== 'fairness') {
    throw new TypeError(`lanes: must be "priorities" or "fairness", got ${JSON.stringify(options.lanes)}`);
  }
  const subjects = checkSubjects(options.subjects ?? [], 'lanes: fairness needs the handler subjects');
  return [
    '$JS.API.INFO',
    `$JS.API.STREAM.INFO.${s}`,
    `$JS.API.CONSUMER.INFO.${s}.*`,
    `$JS.API.CONSUMER.MSG.NEXT.${s}.*`,
    `$JS.ACK.${s}.*.>`,
    `$JS.API.CONSUMER.DELETE.${s}.*`,
    ...subjects.map((subject) => `$JS.API.CONSUMER.CREATE.${s}.*.${groupFilter(subject)}`),
  ];
}

/**
 * Creates or updates the durable `c` of `s`: nats.js checks the API (`$JS.API.INFO`), looks the
 * stream up, then creates through the 2.9 filtered-create subject (`CREATE.S.C.<filter>`), the
 * named one, or the legacy durable one.
 */
const durableCreate = (s: string, c: string): string[] => [
  '$JS.API.INFO',
  `$JS.API.STREAM.INFO.${s}`,
  `$JS.API.CONSUMER.CREATE.${s}.${c}`,
  `$JS.API.CONSUMER.CREATE.${s}.${c}.>`,
  `$JS.API.CONSUMER.DURABLE.CREATE.${s}.${c}`,
];

/** A worker that also creates (or updates) its own durable at startup, as `@JobHandler` services do. */
export function service(stream: string, consumer: string, options: DeadLetterOptions = {}): RolePermissions {
  const s = checkName('stream', stream);
  const c = checkName('consumer', consumer);
  const base = worker(s, c, options);
  return {
    ...base,
    kind: RoleKinds.Service,
    publish: list([
      ...new Set([
        ...base.publish.allow,
        ...durableCreate(s, c),
        ...(options.lanes === 'priorities'
          ? [...durableCreate(s, priorityDurable(c, 'high')), ...durableCreate(s, priorityDurable(c, 'low'))]
          : []),
      ]),
    ]),
  };
}

export interface AdminRoleOptions {
  /**
   * Subjects the admin may publish besides the JetStream API: the original subjects of dead
   * letters it replays, the audit stream's subject. @default []
   */
  publish?: readonly string[];
  /** Extra subscribe permissions (live views). @default [] */
  subscribe?: readonly string[];
}

/** Manages streams and consumers (the whole `$JS.API`), browses, deletes and replays messages. */
export function admin(options: AdminRoleOptions = {}): RolePermissions {
  const publish = options.publish?.length ? checkSubjects(options.publish, 'admin.publish') : [];
  const subscribe = options.subscribe?.length ? checkSubjects(options.subscribe, 'admin.subscribe') : [];
  return {
    kind: RoleKinds.Admin,
    publish: list(['$JS.API.>', ...publish]),
    subscribe: list(subscribe),
    inbox: true,
  };
}

export interface AdminAppRoleOptions {
  /** The job subjects it may replay dead letters to (publish). @default [] */
  replaySubjects?: readonly string[];
  /** The workers' `scheduling.stream`, whose jobs it lists and cancels. @default 'JETBUS_SCHEDULED' */
  schedulingStream?: string;
}

/** Streams' and consumers' API subjects the `admin-app` role may use on any stream but the audit stream. */
const ADMIN_APP_API = [
  // Account and stream info, lists, create/update/delete, purge, messages by sequence or subject.
  '$JS.API.INFO',
  '$JS.API.STREAM.NAMES',
  '$JS.API.STREAM.LIST',
  '$JS.API.STREAM.INFO.*',
  '$JS.API.STREAM.CREATE.*',
  '$JS.API.STREAM.UPDATE.*',
  '$JS.API.STREAM.DELETE.*',
  '$JS.API.STREAM.PURGE.*',
  '$JS.API.STREAM.MSG.GET.*',
  '$JS.API.STREAM.MSG.DELETE.*',
  '$JS.API.DIRECT.GET.*',
  '$JS.API.DIRECT.GET.*.>',
  // Consumers: lists and info, create/update (2.9's three create subjects), delete, and the pulls
  // of the ordered consumers nats.js reads with.
  '$JS.API.CONSUMER.NAMES.*',
  '$JS.API.CONSUMER.LIST.*',
  '$JS.API.CONSUMER.INFO.*.*',
  '$JS.API.CONSUMER.CREATE.*',
  '$JS.API.CONSUMER.CREATE.*.>',
  '$JS.API.CONSUMER.DURABLE.CREATE.*.*',
  '$JS.API.CONSUMER.DELETE.*.*',
  '$JS.API.CONSUMER.MSG.NEXT.*.*',
  // Flow-control replies of the push consumers an object store read uses (dead-letter payloads),
  // and deleting such a payload (it rewrites the object's metadata).
  '$JS.FC.>',
  '$O.>',
  // Pausing and resuming periodic schedules: their paused flags only, not their last ticks.
  '$KV.JETBUS_PERIODIC.paused.*',
];

/**
 * Everything that could remove or rewrite what the audit stream holds: delete, purge, update
 * (retention, limits, deny flags), single-message delete, and consumers on it (an ack on a
 * work-queue or interest stream deletes). Deny wins over the wildcards above, in nats-server.
 */
const auditStreamDenied = (stream: string): string[] => [
  `$JS.API.STREAM.DELETE.${stream}`,
  `$JS.API.STREAM.PURGE.${stream}`,
  `$JS.API.STREAM.MSG.DELETE.${stream}`,
  `$JS.API.STREAM.UPDATE.${stream}`,
  `$JS.API.CONSUMER.CREATE.${stream}`,
  `$JS.API.CONSUMER.CREATE.${stream}.>`,
  `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.>`,
  `$JS.API.CONSUMER.DELETE.${stream}.>`,
];

/**
 * The admin web app's NATS user: reads every stream and consumer, creates, updates and deletes
 * them, browses messages (direct get or message get, never a whole stream), browses, deletes and
 * replays dead letters (publishing to `replaySubjects`), reads the workers' heartbeats
 * (`JETBUS_WORKERS`, through message get), lists and cancels scheduled jobs (message get and
 * delete on the scheduling stream, and the one KV write a cancel is: creating the job's key in the
 * scheduling outcomes bucket; no other bucket) and appends to its audit trail: it may create
 * `JETBUS_AUDIT` and publish `jetbus.audit.>`, but never delete, purge, change or delete a message
 * of that stream. Not the whole `$JS.API` like `admin`: no snapshots, restores, peer removals or
 * leader step-downs, and nothing of the system account.
 */
export function adminApp(options: AdminAppRoleOptions = {}): RolePermissions {
  const replay = options.replaySubjects?.length
    ? checkSubjects(options.replaySubjects, 'admin-app.replaySubjects')
    : [];
  const scheduling = options.schedulingStream ?? DEFAULT_SCHEDULED_STREAM;
  const problem = nameSyntaxError('stream', scheduling);
  if (problem) throw new TypeError(`admin-app.schedulingStream: ${problem}`);
  return {
    kind: RoleKinds.AdminApp,
    publish: list(
      [
        ...ADMIN_APP_API,
        `$KV.${scheduleOutcomesBucket(scheduling)}.>`,
        // Cancelling a queued or running job (`POST /api/jobs/:jobId/cancel`): its request.
        `$KV.${CANCELLED_BUCKET}.>`,
        `${AUDIT_SUBJECT_PREFIX}.>`,
        ...replay,
      ],
      // $SYS subjects could reach the system account only through an import; none is ever wanted.
      [...auditStreamDenied(AUDIT_STREAM), '$SYS.>'],
    ),
    subscribe: list([], ['$SYS.>']),
    inbox: true,
  };
}

export interface ReaperRoleOptions {
  /** Source streams whose messages hit max deliveries: read by sequence, then deleted. */
  streams: readonly string[];
  /** @default 'JETBUS_ADVISORIES' */
  advisoryStream?: string;
  /** One durable for all the streams' advisories. @default one per stream, `jetbus-reaper_<stream>` */
  durable?: string;
  /**
   * The subjects whose jobs it may dead-letter, as `<deadLetterPrefix>.<subject>`: those of every
   * consumer of its streams (the reaper durable of a stream is shared by all processes consuming it).
   * Required unless `dlqSubjects` lists the dead-letter subjects themselves.
   */
  subjects?: readonly string[];
  /** The module's `deadLetter.subjectPrefix`. @default 'dlq' */
  deadLetterPrefix?: string;
  /** The exact dead-letter subjects it may publish, instead of deriving them from `subjects`. */
  dlqSubjects?: readonly string[];
  /** The dead-letter stream (the module's `deadLetter.stream`): names its marks bucket. @default 'JETBUS_DLQ' */
  deadLetterStream?: string;
}

/**
 * Creates and consumes the reaper durables on the advisory stream (one per source stream, as
 * @jetbus/core does), copies each message that hit max deliveries (`STREAM.MSG.GET` or direct get,
 * by sequence) to the dead-letter subjects of `subjects` and deletes it from its source stream.
 */
export function reaper(options: ReaperRoleOptions): RolePermissions {
  if (options.streams.length === 0) throw new TypeError('reaper: at least one source stream is required');
  const streams = options.streams.map((s) => checkName('stream', s));
  const advisoryStream = checkName('stream', options.advisoryStream ?? DEFAULT_ADVISORY_STREAM);
  const durables = options.durable ? [checkName('consumer', options.durable)] : streams.map(reaperDurable);
  // The reaper's durables keep no attempt ledger (jetbus runs them without poison isolation).
  const advisories = {
    publish: {
      allow: durables.flatMap((d) => [
        ...durableAccess(advisoryStream, d),
        ...durableCreate(advisoryStream, d),
      ]),
    },
  };
  if (!options.dlqSubjects?.length && !options.subjects?.length) {
    throw new TypeError(
      'reaper: `subjects` is required: the subjects of its streams, whose jobs it may dead-letter (as dlq.<subject>)',
    );
  }
  const dlq = options.dlqSubjects?.length
    ? checkSubjects(options.dlqSubjects, 'reaper.dlqSubjects')
    : deadLetterSubjects(options.subjects ?? [], options.deadLetterPrefix);
  const perStream = streams.flatMap((s) => [
    `$JS.API.STREAM.MSG.GET.${s}`,
    `$JS.API.DIRECT.GET.${s}`,
    `$JS.API.STREAM.MSG.DELETE.${s}`,
  ]);
  return {
    kind: RoleKinds.Reaper,
    publish: list([
      ...advisories.publish.allow,
      ...perStream,
      ...dlq,
      ...marks(checkName('stream', options.deadLetterStream ?? DEFAULT_DLQ_STREAM), streams),
    ]),
    subscribe: list(),
    inbox: true,
  };
}

/**
 * A KV bucket of @jetbus/core's, opened or created on first use, with write access to the keys
 * `keys` only: poison isolation's attempt ledger (the keys of the worker's own consumer) and the
 * completed-job keys of `idempotency` (the worker's own bucket). Reads by key through a direct get;
 * a bound bucket reads through `STREAM.MSG.GET`, which cannot be narrowed by key (records hold
 * delivery counts and job-id hashes, nothing secret).
 */
function kvBucket(bucket: string, keys: string): string[] {
  const kvStream = `KV_${bucket}`;
  return [
    `$JS.API.STREAM.INFO.${kvStream}`,
    `$JS.API.STREAM.CREATE.${kvStream}`,
    `$JS.API.STREAM.MSG.GET.${kvStream}`,
    `$JS.API.DIRECT.GET.${kvStream}.$KV.${bucket}.${keys}`,
    `$KV.${bucket}.${keys}`,
  ];
}

/**
 * The object store bucket of the payloads too large for the worker's own dead letters: one per
 * source stream, so the worker cannot replace another service's payload.
 */
function objectBucket(bucket: string): string[] {
  const objStream = `OBJ_${bucket}`;
  return [
    `$JS.API.STREAM.INFO.${objStream}`,
    `$JS.API.STREAM.CREATE.${objStream}`,
    `$JS.API.STREAM.MSG.GET.${objStream}`,
    `$JS.API.DIRECT.GET.${objStream}.>`,
    `$JS.API.STREAM.PURGE.${objStream}`,
    // An ordered consumer: put reads an existing object's chunks back before it replaces them.
    `$JS.API.CONSUMER.CREATE.${objStream}.>`,
    `$O.${bucket}.>`,
  ];
}

/**
 * The reaper's marks of what it already dead-lettered (so a re-sent advisory does not dead-letter
 * a job twice): a KV bucket it opens, or creates on first use, and whose keys `<stream>.<seq>` it
 * writes for its own streams only. Reads go through `STREAM.MSG.GET` (a bound bucket) or a direct
 * get by key (a bucket it created); the former cannot be narrowed by key, and marks are not secret.
 */
function marks(dlqStream: string, streams: readonly string[]): string[] {
  const bucket = deadLetterMarksBucket(dlqStream);
  const kvStream = `KV_${bucket}`;
  return [
    `$JS.API.STREAM.INFO.${kvStream}`,
    `$JS.API.STREAM.CREATE.${kvStream}`,
    `$JS.API.STREAM.MSG.GET.${kvStream}`,
    ...streams.flatMap((s) => [
      `$JS.API.DIRECT.GET.${kvStream}.$KV.${bucket}.${s}.*`,
      `$KV.${bucket}.${s}.*`,
    ]),
  ];
}

export interface CustomRoleOptions {
  publish?: Partial<PermissionList>;
  subscribe?: Partial<PermissionList>;
  /** Add the user's inbox to its subscribe permissions. @default false */
  inbox?: boolean;
  allowResponses?: ResponsePermission;
}

/** Plain permission lists, for what the built-in roles do not cover. */
export function customRole(options: CustomRoleOptions): RolePermissions {
  const check = (subjects: readonly string[] | undefined, what: string): string[] =>
    subjects?.length ? checkSubjects(subjects, what) : [];
  const role: RolePermissions = {
    kind: RoleKinds.Custom,
    publish: list(
      check(options.publish?.allow, 'publish.allow'),
      check(options.publish?.deny, 'publish.deny'),
    ),
    subscribe: list(
      check(options.subscribe?.allow, 'subscribe.allow'),
      check(options.subscribe?.deny, 'subscribe.deny'),
    ),
    inbox: options.inbox ?? false,
  };
  if (options.allowResponses) role.allowResponses = { ...options.allowResponses };
  return role;
}
