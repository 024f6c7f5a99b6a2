import { subjectSyntaxError } from '../policy/subject';
import { PERIODIC_BUCKET, PERIODIC_STREAM, periodicSubject } from './periodic-names';
import { type PermissionList, RoleKinds, type RolePermissions } from './role-permissions';

/*
 * Least-privilege permissions for periodic jobs (@jetbus/core's `@Periodic` and module `periodic`),
 * verified against nats-server 2.9.10 by libs/auth/src/integration/periodic-roles.int.ts. A worker
 * with a `@Periodic` method also needs `worker('JETBUS_PERIODIC', <its durable>)` (or the worker role
 * of the stream its `subject` is in) to handle the ticks.
 */

const SCHEDULE_NAME = /^[-_A-Za-z0-9]{1,64}$/;
const KV_STREAM = `KV_${PERIODIC_BUCKET}`;
const list = (allow: string[] = []): PermissionList => ({ allow, deny: [] });

function checkNames(names: readonly string[], what: string): string[] {
  if (names.length === 0) throw new TypeError(`${what}: at least one schedule name is required`);
  for (const n of names) {
    if (!SCHEDULE_NAME.test(n))
      throw new TypeError(
        `${what}: a schedule name is 1 to 64 letters, digits, - and _, got ${JSON.stringify(n)}`,
      );
  }
  return [...names];
}

/** Opens (or creates) the bucket and reads any key (reads cannot be narrowed by key on 2.9's direct get). */
const bucketRead = [
  '$JS.API.INFO',
  `$JS.API.STREAM.INFO.${KV_STREAM}`,
  `$JS.API.STREAM.MSG.GET.${KV_STREAM}`,
  `$JS.API.DIRECT.GET.${KV_STREAM}.>`,
];

export interface PeriodicSchedulerRoleOptions {
  /**
   * The subjects the schedules publish their ticks to, when they have a `subject`.
   * @default `jetbus.periodic.<name>` for each name
   */
  subjects?: readonly string[];
}

/**
 * What a worker that fires the ticks of the schedules `names` needs: check or create the tick stream
 * and the `JETBUS_PERIODIC` bucket, write those schedules' definitions and last ticks (`def.<name>`,
 * `last.<name>`, not their paused flags), read any key, and publish their ticks.
 */
export function periodicScheduler(
  names: readonly string[],
  options: PeriodicSchedulerRoleOptions = {},
): RolePermissions {
  const schedules = checkNames(names, 'periodicScheduler');
  const subjects = options.subjects ? [...options.subjects] : schedules.map(periodicSubject);
  if (subjects.length === 0) throw new TypeError('periodicScheduler: at least one subject is required');
  for (const s of subjects) {
    const problem = subjectSyntaxError(s);
    if (problem) throw new TypeError(`periodicScheduler: ${problem}`);
  }
  return {
    kind: RoleKinds.Worker,
    publish: list([
      ...bucketRead,
      `$JS.API.STREAM.CREATE.${KV_STREAM}`,
      `$JS.API.STREAM.INFO.${PERIODIC_STREAM}`,
      `$JS.API.STREAM.CREATE.${PERIODIC_STREAM}`,
      ...schedules.flatMap((n) => [`$KV.${PERIODIC_BUCKET}.def.${n}`, `$KV.${PERIODIC_BUCKET}.last.${n}`]),
      ...subjects,
    ]),
    subscribe: list(),
    inbox: true,
  };
}

/**
 * Lists, pauses and resumes schedules (`listPeriodic`, `pausePeriodic`, `resumePeriodic`, `jetbus
 * periodic`, the admin app): reads the bucket (listing its keys through an ordered consumer) and
 * writes the paused flags only.
 */
export function periodicOperator(): RolePermissions {
  return {
    kind: RoleKinds.Custom,
    publish: list([
      ...bucketRead,
      `$JS.API.CONSUMER.CREATE.${KV_STREAM}`,
      `$JS.API.CONSUMER.CREATE.${KV_STREAM}.>`,
      `$JS.API.CONSUMER.INFO.${KV_STREAM}.>`,
      `$JS.API.CONSUMER.DELETE.${KV_STREAM}.>`,
      `$KV.${PERIODIC_BUCKET}.paused.*`,
    ]),
    subscribe: list(),
    inbox: true,
  };
}
