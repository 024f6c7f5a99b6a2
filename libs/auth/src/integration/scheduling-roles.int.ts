import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import pino from 'pino';
// @jetbus/core's scheduling internals, exactly as its workers and client run them.
import {
  DELIVER_AT_HEADER,
  ReleaseRunner,
  ScheduleOutcomes,
  cancelScheduled,
  listScheduled,
  scheduledSubject,
} from '../../../core/src/scheduling';
import { scheduleCanceller, scheduleReleaser, scheduledProducer } from '../roles';
import { refusal, rolePolicy, useRoleEnv } from './__tests__/role-test-env';

/*
 * The scheduling roles against nats-server 2.9.10: a producer schedules, a worker releases, an
 * operator lists and cancels, each with exactly its role's permissions; neighbours are refused.
 */

const POLICY = rolePolicy({
  api: [scheduledProducer(['orders.created'])],
  worker: [scheduleReleaser(['orders.created'])],
  operator: [scheduleCanceller()],
});

function entry(
  jobId: string,
  subject: string,
  dueAt: number,
): [string, Uint8Array, { headers: ReturnType<typeof natsHeaders> }] {
  const h = natsHeaders();
  h.set(DELIVER_AT_HEADER, new Date(dueAt).toISOString());
  h.set('Jetbus-Job-Id', jobId);
  return [scheduledSubject(jobId, subject), new TextEncoder().encode(`{"id":"${jobId}"}`), { headers: h }];
}

const metrics = { scheduled: () => undefined, released: () => undefined, cancelled: () => undefined };

describe('scheduling roles on nats-server', () => {
  const env = useRoleEnv(POLICY, async (jsm) => {
    await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
    await jsm.streams.add({ name: 'JETBUS_SCHEDULED', subjects: ['jetbus.scheduled.>'] });
  });

  it('a producer schedules its subjects only', async () => {
    const { nc } = await env.connect('APP', 'api');
    const js = jetstream(nc);
    const ack = await js.publish(...entry('p-1', 'orders.created', Date.now() + 3_600_000));
    expect(ack.stream).toBe('JETBUS_SCHEDULED');
    const e = await refusal(js.publish(...entry('p-2', 'orders.cancelled', Date.now())), 'api');
    expect(e).toMatchObject({
      name: 'PermissionDeniedError',
      subject: expect.stringContaining('orders.cancelled'),
    });
  });

  it('a worker releases due jobs of its subject: durable, outcome, publish, delete', async () => {
    const api = jetstream((await env.connect('APP', 'api')).nc);
    await api.publish(...entry('r-1', 'orders.created', Date.now() + 300));
    const { nc } = await env.connect('APP', 'worker');
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const runner = new ReleaseRunner('orders.created', {
      js,
      jsm,
      stream: 'JETBUS_SCHEDULED',
      outcomes: new ScheduleOutcomes(js, 'JETBUS_SCHEDULED'),
      metrics,
      publishTimeoutMs: 5_000,
      logger: pino({ level: 'silent' }),
    });
    await runner.start();
    try {
      const ops = await jetstreamManager((await env.connect('APP', 'ops')).nc);
      for (let i = 0; i < 100; i++) {
        const released = await ops.streams.getMessage('ORDERS', { last_by_subj: 'orders.created' });
        if (released) {
          expect(released.header.get('Jetbus-Job-Id')).toBe('r-1');
          break;
        }
        if (i === 99) throw new Error('r-1 was not released');
        await new Promise((r) => setTimeout(r, 100));
      }
      const left = await ops.streams.getMessage('JETBUS_SCHEDULED', {
        last_by_subj: 'jetbus.scheduled.r-1.>',
      });
      expect(left).toBeNull();
      // Not another durable of the scheduling stream, nor a subject it does not handle.
      const e = await refusal(js.publish('orders.cancelled', 'x'), 'worker');
      expect(e).toMatchObject({ name: 'PermissionDeniedError' });
    } finally {
      await runner.stop(1_000);
    }
  });

  it('an operator lists and cancels; a producer may not', async () => {
    const api = jetstream((await env.connect('APP', 'api')).nc);
    await api.publish(...entry('c-1', 'orders.created', Date.now() + 3_600_000));
    const { nc } = await env.connect('APP', 'operator');
    const page = await listScheduled(await jetstreamManager(nc), { subject: 'orders.created' });
    expect(page.jobs.map((j) => j.jobId)).toContain('c-1');
    expect(await cancelScheduled(jetstream(nc), 'c-1')).toMatchObject({ outcome: 'cancelled' });
    // The entry is gone: a repeat reads the outcome recorded last for the id (`<job id>.*`).
    expect(await cancelScheduled(jetstream(nc), 'c-1')).toMatchObject({ outcome: 'cancelled' });
    const e = await refusal(cancelScheduled(api, 'p-1'), 'api');
    expect(e).toMatchObject({ name: 'PermissionDeniedError' });
  });
});
