import { nameSyntaxError, subjectSyntaxError } from '../policy/subject';
import { type PermissionList, RoleKinds, type RolePermissions } from './role-permissions';
import {
  DEFAULT_SCHEDULED_STREAM,
  releaseDurable,
  scheduleOutcomesBucket,
  scheduledSubjects,
} from './scheduling-names';

/*
 * Least-privilege permissions for delayed jobs (@jetbus/core's `publish(…, { delay })`), verified
 * against nats-server 2.9.10 by libs/auth/src/integration/scheduling-roles.int.ts. Combine them with
 * the built-in roles: a producer that schedules gets `producer(...)` and `scheduledProducer(...)`.
 */

export interface SchedulingRoleOptions {
  /** The module's `scheduling.stream`. @default 'JETBUS_SCHEDULED' */
  stream?: string;
}

function checkSubjects(subjects: readonly string[], what: string): string[] {
  if (subjects.length === 0) throw new TypeError(`${what}: at least one subject is required`);
  for (const s of subjects) {
    const problem = subjectSyntaxError(s);
    if (problem) throw new TypeError(`${what}: ${problem}`);
  }
  return [...subjects];
}

function streamOf(options: SchedulingRoleOptions): string {
  const stream = options.stream ?? DEFAULT_SCHEDULED_STREAM;
  const problem = nameSyntaxError('stream', stream);
  if (problem) throw new TypeError(problem);
  return stream;
}

const list = (allow: string[] = []): PermissionList => ({ allow, deny: [] });

/**
 * The outcomes bucket, opened or created on first use: a release and a cancel each create the job's
 * key (whoever comes first decides). Keys are job ids, which cannot be narrowed per subject.
 */
function outcomes(stream: string): string[] {
  const bucket = scheduleOutcomesBucket(stream);
  const kvStream = `KV_${bucket}`;
  return [
    '$JS.API.INFO',
    `$JS.API.STREAM.INFO.${kvStream}`,
    `$JS.API.STREAM.CREATE.${kvStream}`,
    `$JS.API.STREAM.MSG.GET.${kvStream}`,
    `$JS.API.DIRECT.GET.${kvStream}.>`,
    `$KV.${bucket}.>`,
  ];
}

/**
 * Schedules delayed jobs for `subjects` and waits for the PubAck: publishes
 * `jetbus.scheduled.*.<subject>` only, so it cannot schedule another service's jobs. No `$JS.API`
 * permission: like any JetStream publish it is a plain publish the scheduling stream captures.
 */
export function scheduledProducer(subjects: readonly string[]): RolePermissions {
  return {
    kind: RoleKinds.Producer,
    publish: list(checkSubjects(subjects, 'scheduledProducer').map(scheduledSubjects)),
    subscribe: list(),
    inbox: true,
  };
}

/**
 * What a worker with `scheduling` needs besides its handlers' roles, for its handler `subjects`:
 * check the scheduling stream at startup, create and consume one release durable per subject
 * (`jetbus-release_<subject>`), record outcomes, publish the releases to `subjects`, and delete
 * released entries (`STREAM.MSG.DELETE` cannot be narrowed by subject).
 */
export function scheduleReleaser(
  subjects: readonly string[],
  options: SchedulingRoleOptions = {},
): RolePermissions {
  const s = streamOf(options);
  const targets = checkSubjects(subjects, 'scheduleReleaser');
  const durables = targets.map(releaseDurable);
  return {
    kind: RoleKinds.Worker,
    publish: list([
      ...new Set([
        `$JS.API.STREAM.INFO.${s}`,
        ...durables.flatMap((c) => [
          `$JS.API.CONSUMER.INFO.${s}.${c}`,
          `$JS.API.CONSUMER.MSG.NEXT.${s}.${c}`,
          `$JS.ACK.${s}.${c}.>`,
          `$JS.API.CONSUMER.CREATE.${s}.${c}`,
          `$JS.API.CONSUMER.CREATE.${s}.${c}.>`,
          `$JS.API.CONSUMER.DURABLE.CREATE.${s}.${c}`,
        ]),
        `$JS.API.STREAM.MSG.DELETE.${s}`,
        ...outcomes(s),
        ...targets,
      ]),
    ]),
    subscribe: list(),
    inbox: true,
  };
}

/**
 * Lists and cancels scheduled jobs (`listScheduled`, `cancel`, `jetbus jobs scheduled|cancel`):
 * reads the scheduling stream by message get, records the `cancelled` outcome, deletes the entry.
 */
export function scheduleCanceller(options: SchedulingRoleOptions = {}): RolePermissions {
  const s = streamOf(options);
  return {
    kind: RoleKinds.Custom,
    publish: list([`$JS.API.STREAM.MSG.GET.${s}`, `$JS.API.STREAM.MSG.DELETE.${s}`, ...outcomes(s)]),
    subscribe: list(),
    inbox: true,
  };
}
