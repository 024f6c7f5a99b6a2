import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import pino from 'pino';
// @jetbus/core's periodic internals, exactly as its workers and tools run them.
import { JsonCodec } from '../../../core/src/codec';
import {
  PeriodicRunner,
  PeriodicStore,
  listPeriodic,
  pausePeriodic,
  resolvePeriodicDefinitions,
  resumePeriodic,
} from '../../../core/src/scheduling/periodic';
import { periodicOperator, periodicScheduler } from '../roles';
import { refusal, rolePolicy, useRoleEnv } from './__tests__/role-test-env';

/*
 * The periodic roles against nats-server 2.9.10: a worker fires its schedule's ticks, an operator
 * lists, pauses and resumes, each with exactly its role's permissions; neighbours are refused.
 */

const POLICY = rolePolicy({
  worker: [periodicScheduler(['reports'], { subjects: ['reports.nightly'] })],
  operator: [periodicOperator()],
});

const [reports, other] = resolvePeriodicDefinitions([
  { name: 'reports', cron: '* * * * * *', subject: 'reports.nightly' },
  { name: 'other', cron: '* * * * * *', subject: 'other.job' },
]);
const metrics = { ticks: () => undefined };
const logger = pino({ level: 'silent' });

describe('periodic roles on nats-server', () => {
  const env = useRoleEnv(POLICY, async (jsm) => {
    await jsm.streams.add({ name: 'REPORTS', subjects: ['reports.>', 'other.>'] });
  });

  it('a worker creates the bucket, declares its schedule and publishes its ticks only', async () => {
    const { nc } = await env.connect('APP', 'worker');
    const js = jetstream(nc);
    const store = await PeriodicStore.create(js);
    await store.putDefinition(reports, 'svc');
    const deps = {
      js,
      jsm: await jetstreamManager(nc),
      store,
      codec: new JsonCodec(),
      metrics,
      publishTimeoutMs: 5_000,
      logger,
    };
    const tick = new Date(Math.floor(Date.now() / 1000) * 1000);
    expect(await new PeriodicRunner(reports, deps, undefined).fire(tick)).toBe('published');
    expect(await new PeriodicRunner(reports, deps, undefined).fire(tick)).toBe('deduplicated');
    expect(await store.lastTick('reports')).toEqual(tick);
    // Not another schedule's keys, nor its subject, nor the paused flags.
    expect(await refusal(store.putDefinition(other, 'svc'), 'worker')).toMatchObject({
      name: 'PermissionDeniedError',
    });
    expect(await refusal(js.publish('other.job', 'x'), 'worker')).toMatchObject({
      name: 'PermissionDeniedError',
    });
    expect(await refusal(store.setPaused('reports', true), 'worker')).toMatchObject({
      name: 'PermissionDeniedError',
    });
  });

  it('an operator lists, pauses and resumes; it cannot publish ticks or move a last tick', async () => {
    const { nc } = await env.connect('APP', 'operator');
    const js = jetstream(nc);
    expect((await listPeriodic(js)).map((s) => [s.name, s.paused])).toEqual([['reports', false]]);
    await pausePeriodic(js, 'reports');
    expect((await listPeriodic(js))[0]).toMatchObject({ name: 'reports', paused: true });
    await resumePeriodic(js, 'reports');
    expect((await listPeriodic(js))[0]).toMatchObject({ name: 'reports', paused: false });
    const store = (await PeriodicStore.find(js))!;
    expect(await refusal(store.recordTick('reports', new Date()), 'operator')).toMatchObject({
      name: 'PermissionDeniedError',
    });
    expect(await refusal(js.publish('reports.nightly', 'x'), 'operator')).toMatchObject({
      name: 'PermissionDeniedError',
    });
  });
});
