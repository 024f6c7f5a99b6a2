import { jetstream } from '@nats-io/jetstream';
import pino from 'pino';
// @jetbus/core's internals, exactly as its client and workers run them.
import { CancelWatch, CancellationStore, cancelJob } from '../../../core/src/cancellation';
import { UniqueKeys } from '../../../core/src/unique';
import { cancellationWatcher, jobCanceller, scheduleCanceller, uniqueKeys } from '../roles';
import { refusal, rolePolicy, useRoleEnv } from './__tests__/role-test-env';

/*
 * The unique-jobs and cancellation roles against nats-server 2.9.10: a producer holds unique keys, an
 * operator records cancel requests, a worker watches them and records outcomes, each with exactly
 * its role's permissions; what the role does not grant is refused.
 */

const POLICY = rolePolicy({
  api: [uniqueKeys()],
  operator: [jobCanceller(), scheduleCanceller()],
  worker: [cancellationWatcher()],
});

describe('unique and cancellation roles on nats-server', () => {
  const env = useRoleEnv(POLICY, async (jsm) => {
    await jsm.streams.add({ name: 'JETBUS_SCHEDULED', subjects: ['jetbus.scheduled.>'] });
  });

  it('a producer creates the unique bucket, acquires, is refused while held, frees; it cannot cancel', async () => {
    const js = jetstream((await env.connect('APP', 'api')).nc);
    const keys = new UniqueKeys(js);
    const unique = { key: 'k-1', forMs: 60_000, until: 'completed' as const };
    const first = await keys.acquire(unique);
    expect(first.acquired).toBe(true);
    expect((await keys.acquire(unique)).acquired).toBe(false);
    expect(await keys.release('k-1', (first as { revision: number }).revision)).toBe(true);
    expect((await keys.acquire(unique)).acquired).toBe(true);
    const e = await refusal(new CancellationStore(js).request('job-x'), 'api');
    expect(e).toMatchObject({ name: 'PermissionDeniedError' });
  });

  it('an operator records a cancel request; a worker watching learns it and records the outcome', async () => {
    const operator = jetstream((await env.connect('APP', 'operator')).nc);
    const worker = jetstream((await env.connect('APP', 'worker')).nc);
    // The operator creates the bucket (first use) with its request.
    const result = await cancelJob(operator, 'job-1', { store: new CancellationStore(operator) });
    expect(result).toMatchObject({ jobId: 'job-1', outcome: 'requested' });

    const store = new CancellationStore(worker);
    const watch = new CancelWatch(store, 60_000, pino({ level: 'silent' }));
    await watch.start();
    try {
      expect(watch.get('job-1')).toMatchObject({ state: 'requested' });
      const heard = new Promise((resolve) => watch.onCancel('job-2', resolve));
      await cancelJob(operator, 'job-2', { store: new CancellationStore(operator) });
      expect(await heard).toMatchObject({ jobId: 'job-2', state: 'requested' });
      await store.settled(watch.get('job-1')!, { while: 'queued', handler: 'Jobs.run', deadLettered: false });
      expect(await new CancellationStore(operator).get('job-1')).toMatchObject({ state: 'cancelled' });
      // Not the unique bucket.
      const e = await refusal(
        new UniqueKeys(worker).acquire({ key: 'k', forMs: 1, until: 'expired' }),
        'worker',
      );
      expect(e).toMatchObject({ name: 'PermissionDeniedError' });
    } finally {
      await watch.stop();
    }
  });
});
