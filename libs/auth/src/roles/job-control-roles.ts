import { CANCELLED_BUCKET, UNIQUE_BUCKET } from '@jetbus/core/wire';
import { type PermissionList, RoleKinds, type RolePermissions } from './role-permissions';

/*
 * Least-privilege permissions for unique jobs and for cancellation of queued and running jobs,
 * verified against nats-server 2.9.10 by libs/auth/src/integration/job-control-roles.int.ts. Combine
 * them with the built-in roles (a producer that publishes unique jobs gets `producer(...)` and
 * `uniqueKeys()`). Keys are unique keys and job ids: they cannot be narrowed per subject.
 */

const list = (allow: string[] = []): PermissionList => ({ allow, deny: [] });

/** A KV bucket opened, or created on first use, then read and written (create, update, delete). */
function bucket(name: string): string[] {
  const kvStream = `KV_${name}`;
  return [
    '$JS.API.INFO',
    `$JS.API.STREAM.INFO.${kvStream}`,
    `$JS.API.STREAM.CREATE.${kvStream}`,
    `$JS.API.STREAM.MSG.GET.${kvStream}`,
    `$JS.API.DIRECT.GET.${kvStream}.>`,
    `$KV.${name}.>`,
  ];
}

/**
 * `JETBUS_UNIQUE`: for producers that publish with `unique` (acquire, take over, free on a failed
 * publish) and for workers (and reapers) whose handlers run jobs published with `until: 'completed'`
 * (free the key at the final outcome). A KV delete is a publish to the key, so both need the same rights.
 */
export function uniqueKeys(): RolePermissions {
  return { kind: RoleKinds.Custom, publish: list(bucket(UNIQUE_BUCKET)), subscribe: list(), inbox: true };
}

/**
 * What a worker with `cancellation` needs besides its handlers' roles: watch `JETBUS_CANCELLED` (an
 * ordered push consumer to an inbox, re-created after a gap), read a job's entry when its memory
 * cannot tell (`cancellation.maxInMemory`), and record the outcome of each job it settles as cancelled.
 */
export function cancellationWatcher(): RolePermissions {
  const kvStream = `KV_${CANCELLED_BUCKET}`;
  return {
    kind: RoleKinds.Worker,
    publish: list([
      ...bucket(CANCELLED_BUCKET),
      `$JS.API.CONSUMER.CREATE.${kvStream}`,
      `$JS.API.CONSUMER.CREATE.${kvStream}.>`,
      `$JS.API.CONSUMER.INFO.${kvStream}.>`,
      `$JS.API.CONSUMER.DELETE.${kvStream}.>`,
      `$JS.FC.${kvStream}.>`,
    ]),
    subscribe: list(),
    inbox: true,
  };
}

/**
 * Cancels queued and running jobs (`cancel(jobId)` with `cancellation`, `jetbus jobs cancel
 * --queued`): records requests in `JETBUS_CANCELLED` and reads outcomes. To cancel scheduled jobs
 * too (which `cancel` tries first), combine with `scheduleCanceller()`.
 */
export function jobCanceller(): RolePermissions {
  return { kind: RoleKinds.Custom, publish: list(bucket(CANCELLED_BUCKET)), subscribe: list(), inbox: true };
}
