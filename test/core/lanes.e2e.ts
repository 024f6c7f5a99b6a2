import { randomBytes } from 'node:crypto';
import { type INestApplicationContext, Injectable } from '@nestjs/common';
import {
  Ctx,
  ENCRYPTION_HEADER,
  type JetbusContext,
  JetbusClient,
  JetbusConfigError,
  JetbusMetrics,
  JetbusServer,
  JobHandler,
  KeyRing,
  Payload,
  type Priority,
} from '@jetbus/core';
import { failure } from '../support/failure';
import { captureLogs, startJetbusApp } from '../support/jetbus-app';
import { useNats } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

/**
 * Priorities and fairness on a real nats-server. Sizes: fairness publishes 20,000 + 20 jobs (the
 * issue's numbers), priorities 2,000 normal + 100 high + 30 low; all three tests together take
 * about 30 s here. Handlers sleep a few ms while the outcome is measured so the backlog outlasts
 * discovery; the assertions are about order (which jobs completed first), never about time.
 */

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (ms === 0) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason as Error);
    });
  });

interface Job {
  id: string;
  lane: string;
}

const fair = { workMs: 10, completed: [] as Job[], aDoneWhenBFinished: -1, bTotal: 0 };

@Injectable()
class TenantJobs {
  @JobHandler('fair.job', { concurrency: 8, fairness: { discoverEvery: '250ms' } })
  async run(@Payload() job: Job): Promise<void> {
    await sleep(fair.workMs);
    fair.completed.push(job);
    if (job.lane === 'tenantB' && fair.completed.filter((j) => j.lane === 'tenantB').length === fair.bTotal) {
      fair.aDoneWhenBFinished = fair.completed.filter((j) => j.lane === 'tenantA').length;
    }
  }
}

const idle = { completed: [] as string[], capped: [] as string[] };

@Injectable()
class ShortLivedGroups {
  @JobHandler('fair.brief', { fairness: { discoverEvery: '100ms', idleAfter: '1s' } })
  run(@Payload() job: Job): void {
    idle.completed.push(job.id);
  }

  @JobHandler('fair.capped', { fairness: { maxGroups: 1, discoverEvery: '100ms', idleAfter: '1s' } })
  capped(@Payload() job: Job): void {
    idle.capped.push(job.id);
  }
}

const prio = { workMs: 5, completed: [] as Job[], started: [] as Job[] };

@Injectable()
class PriorityJobs {
  @JobHandler('prio.job', { concurrency: 4, priorities: true, ackWait: '60s' })
  async run(@Payload() job: Job, @Ctx() ctx: JetbusContext): Promise<void> {
    prio.started.push(job);
    await sleep(prio.workMs, ctx.signal);
    prio.completed.push(job);
  }
}

const later = { done: [] as { subject: string; at: number }[] };

@Injectable()
class DelayedLaneJobs {
  @JobHandler('later.job', { priorities: true })
  high(@Ctx() ctx: JetbusContext): void {
    later.done.push({ subject: ctx.subject, at: Date.now() });
  }

  @JobHandler('later.tenant', { fairness: { discoverEvery: '100ms' } })
  tenant(@Ctx() ctx: JetbusContext): void {
    later.done.push({ subject: ctx.subject, at: Date.now() });
  }
}

const secret = { got: [] as { subject: string; data: unknown }[] };

@Injectable()
class SecretLaneJobs {
  @JobHandler('secret.job', { priorities: true })
  run(@Payload() data: unknown, @Ctx() ctx: JetbusContext): void {
    secret.got.push({ subject: ctx.subject, data });
  }
}

@Injectable()
class FairOnLimits {
  @JobHandler('limits.job', { fairness: true })
  run(): void {}
}

@Injectable()
class PrioritiesNotCaptured {
  @JobHandler('narrow.job', { priorities: true })
  run(): void {}
}

@Injectable()
class LanesAfterGreaterThan {
  @JobHandler('wide.>', { priorities: { high: 4 } })
  run(): void {}
}

const ids = (jobs: Job[], lane: string) => jobs.filter((j) => j.lane === lane).map((j) => j.id);
const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('priorities and fairness (lanes)', () => {
  const t = useNats();
  const apps: INestApplicationContext[] = [];
  let fairWorker: INestApplicationContext | undefined;
  afterAll(async () => {
    for (const app of apps.splice(0).reverse()) await app.close().catch(() => undefined);
  });
  const start = async (
    name: string,
    stream: { name: string; subjects: string[]; retention?: 'workqueue' },
    providers: Parameters<typeof startJetbusApp>[1],
    opts: { start?: boolean; grace?: number; scheduling?: boolean; encryptSubjects?: string[] } = {},
  ) => {
    const app = await startJetbusApp(
      {
        servers: t.server.url,
        name,
        logger: captureLogs().logger,
        streams: [stream],
        ...(opts.grace !== undefined ? { shutdownGracePeriod: opts.grace } : {}),
        ...(opts.scheduling ? { scheduling: {} } : {}),
        ...(opts.encryptSubjects
          ? {
              encryption: {
                keys: new KeyRing('test', 'k1', { k1: randomBytes(32) }),
                subjects: opts.encryptSubjects,
              },
            }
          : {}),
      },
      providers,
      { start: opts.start ?? true },
    );
    apps.push(app);
    return app;
  };

  it("fairness: tenant B's 20 jobs all finish while tenant A's 20,000 backlog is still > 90% queued", async () => {
    const A = 20_000;
    const B = 20;
    fair.bTotal = B;
    // A's whole backlog is stored before the worker starts consuming.
    const stream = { name: 'FAIR', subjects: ['fair.>'], retention: 'workqueue' as const };
    const worker = await start('fair', stream, [TenantJobs, ShortLivedGroups], { start: false });
    const bus = worker.get(JetbusClient);
    const aIds = range('a', A);
    await bus.publishMany(
      aIds.map((id) => ({
        subject: 'fair.job',
        data: { id, lane: 'tenantA' },
        options: { group: 'tenantA' },
      })),
    );
    await worker.get(JetbusServer).start();
    await waitFor('tenant A being worked', () => fair.completed.length >= 50);
    // B arrives while A's backlog is being worked.
    const bIds = range('b', B);
    await bus.publishMany(
      bIds.map((id) => ({
        subject: 'fair.job',
        data: { id, lane: 'tenantB' },
        options: { group: 'tenantB' },
      })),
    );
    await waitFor("all of tenant B's jobs", () => ids(fair.completed, 'tenantB').length === B, 30_000);
    const aDone = fair.aDoneWhenBFinished;
    expect(aDone).toBeGreaterThan(0);
    // > 90% of A still queued when B's last job finished.
    expect(A - aDone).toBeGreaterThan(A * 0.9);
    // Then A drains at full speed: every job once, nothing lost.
    fair.workMs = 0;
    await waitFor('tenant A drained', () => fair.completed.length >= A + B, 60_000);
    const jsm = t.jsm;
    await waitFor('stream emptied', async () => (await jsm.streams.info('FAIR')).state.messages === 0);
    expect(fair.completed).toHaveLength(A + B);
    expect(new Set(ids(fair.completed, 'tenantA'))).toEqual(new Set(aIds));
    expect(new Set(ids(fair.completed, 'tenantB'))).toEqual(new Set(bIds));
    fairWorker = worker;
    process.stdout.write(`fairness: tenant A completed ${aDone} of ${A} when tenant B's ${B} finished\n`);
  });

  it('an idle group lane is removed (its durable deleted) and opened again when the group has jobs', async () => {
    const bus = fairWorker!.get(JetbusClient);
    const durable = 'fair_fair-brief_group_tenantC';
    const send = (prefix: string) =>
      bus.publishMany(
        range(prefix, 5).map((id) => ({
          subject: 'fair.brief',
          data: { id, lane: 'tenantC' },
          options: { group: 'tenantC' },
        })),
      );
    await send('c1');
    await waitFor('first jobs of tenant C', () => idle.completed.length === 5);
    await waitFor('tenant C lane removed', () =>
      t.jsm.consumers.info('FAIR', durable).then(
        () => false,
        () => true,
      ),
    );
    await send('c2');
    await waitFor('second jobs of tenant C', () => idle.completed.length === 10);
    expect(idle.completed.sort()).toEqual([...range('c1', 5), ...range('c2', 5)].sort());
    expect((await t.jsm.consumers.info('FAIR', durable)).num_ack_pending).toBe(0);
  });

  it('maxGroups bounds the group lanes: more groups wait for a free lane, and every job still runs once', async () => {
    const bus = fairWorker!.get(JetbusClient);
    const all: string[] = [];
    for (const group of ['g1', 'g2', 'g3']) {
      const jobs = range(`cap-${group}`, 3);
      all.push(...jobs);
      await bus.publishMany(
        jobs.map((id) => ({ subject: 'fair.capped', data: { id, lane: group }, options: { group } })),
      );
    }
    let most = 0;
    await waitFor(
      'every capped job',
      async () => {
        const names = await t.jsm.consumers.list('FAIR').next();
        const open = names.filter((c) => c.name.startsWith('fair_fair-capped_group_')).length;
        most = Math.max(most, open);
        return idle.capped.length >= all.length;
      },
      30_000,
    );
    expect(idle.capped.sort()).toEqual([...all].sort());
    // Sampled while it ran: never more than the one group durable allowed.
    expect(most).toBe(1);
  });

  it('priorities: high jobs published after a normal backlog all finish before it drains; low jobs finish', async () => {
    const N = 2000;
    const H = 100;
    const L = 30;
    const stream = { name: 'PRIO', subjects: ['prio.>'] };
    const worker = await start('prio', stream, [PriorityJobs], { start: false });
    const bus = worker.get(JetbusClient);
    const publish = (prefix: string, n: number, priority: Priority) =>
      bus.publishMany(
        range(prefix, n).map((id) => ({
          subject: 'prio.job',
          data: { id, lane: priority },
          options: { priority },
        })),
      );
    await publish('n', N, 'normal');
    await worker.get(JetbusServer).start();
    await waitFor('the normal backlog being worked', () => prio.completed.length >= 50);
    await publish('l', L, 'low');
    await publish('h', H, 'high');
    await waitFor(
      'all high and low jobs',
      () => ids(prio.completed, 'high').length === H && ids(prio.completed, 'low').length === L,
      30_000,
    );
    const lastHigh = prio.completed.map((j) => j.lane).lastIndexOf('high');
    const normalBeforeLastHigh = ids(prio.completed.slice(0, lastHigh + 1), 'normal').length;
    expect(normalBeforeLastHigh).toBeLessThan(N);
    // The low lane's 1-in-12 share finished its jobs while the normal backlog was still queued too.
    const lastLow = prio.completed.map((j) => j.lane).lastIndexOf('low');
    expect(ids(prio.completed.slice(0, lastLow + 1), 'normal').length).toBeLessThan(N);
    await waitFor('normal backlog drained', () => ids(prio.completed, 'normal').length >= N, 30_000);
    expect(prio.completed).toHaveLength(N + H + L);
    expect(new Set(ids(prio.completed, 'normal'))).toEqual(new Set(range('n', N)));
    expect(new Set(ids(prio.completed, 'high'))).toEqual(new Set(range('h', H)));
    expect(new Set(ids(prio.completed, 'low'))).toEqual(new Set(range('l', L)));
    // Per-lane pull counts: every job pulled once, from its own lane.
    const pulled = (await worker.get(JetbusMetrics).registry.getMetricsAsJSON()).find(
      (m) => m.name === 'jetbus_lane_jobs_pulled_total',
    );
    const byLane = Object.fromEntries((pulled?.values ?? []).map((v) => [v.labels.lane as string, v.value]));
    expect(byLane).toEqual({ high: H, normal: N, low: L });
    process.stdout.write(
      `priorities: ${normalBeforeLastHigh} of ${N} normal jobs completed when the last of ${H} high jobs finished\n`,
    );
    await worker.close();
  });

  it('graceful drain with lanes: interrupted jobs are nak-ed once and finish once on the next worker', async () => {
    prio.completed = [];
    prio.started = [];
    prio.workMs = 400;
    const stream = { name: 'PRIO', subjects: ['prio.>'] };
    // Every settlement the workers send, by delivery (its ack subject is unique per delivery).
    const settlements = new Map<string, string[]>();
    const sub = t.nc.subscribe('$JS.ACK.PRIO.>', {
      callback: (_, m) => {
        const verb = m.string().split(' ')[0];
        if (verb === '+WPI') return;
        settlements.set(m.subject, [...(settlements.get(m.subject) ?? []), verb]);
      },
    });
    await t.nc.flush();
    const first = await start('prio', stream, [PriorityJobs], { grace: 100 });
    const bus = first.get(JetbusClient);
    const all: Job[] = [];
    for (const priority of ['high', 'normal', 'low'] as const) {
      const jobs = range(`d${priority}`, 12).map((id) => ({ id, lane: priority }));
      all.push(...jobs);
      await bus.publishMany(jobs.map((data) => ({ subject: 'prio.job', data, options: { priority } })));
    }
    await waitFor('4 jobs in flight', () => prio.started.length >= 4);
    await first.close();
    const byFirst = prio.completed.length;
    // ack_wait is 60 s: a job the first worker did not nak would not come back within this test.
    prio.workMs = 0;
    await start('prio', stream, [PriorityJobs]);
    await waitFor('every job completed', () => prio.completed.length >= all.length, 30_000);
    expect(prio.completed).toHaveLength(all.length);
    expect(new Set(prio.completed.map((j) => j.id))).toEqual(new Set(all.map((j) => j.id)));
    expect(byFirst).toBeLessThan(all.length);
    await t.nc.flush();
    sub.unsubscribe();
    const verbs = [...settlements.values()];
    // Each delivery was settled exactly once: one +ACK or one -NAK, never both, never twice.
    expect(verbs.filter((v) => v.length !== 1)).toEqual([]);
    const naks = verbs.filter((v) => v[0] === '-NAK').length;
    expect(naks).toBeGreaterThan(0);
    expect(verbs.filter((v) => v[0] === '+ACK')).toHaveLength(all.length);
  });

  it('delayed jobs with a priority or a group are released into their lane, not before due', async () => {
    const app = await start(
      'later',
      { name: 'LATER', subjects: ['later.>'], retention: 'workqueue' },
      [DelayedLaneJobs],
      {
        scheduling: true,
      },
    );
    const bus = app.get(JetbusClient);
    const publishedAt = Date.now();
    await bus.publish('later.job', {}, { priority: 'high', delay: '300ms' });
    await bus.publish('later.tenant', {}, { group: 'acme', delay: '300ms' });
    await waitFor('both delayed lane jobs', () => later.done.length === 2, 20_000);
    expect(later.done.map((d) => d.subject).sort()).toEqual([
      'later.job._prio.high',
      'later.tenant._group.acme',
    ]);
    for (const d of later.done) expect(d.at).toBeGreaterThanOrEqual(publishedAt + 300);
  });

  it('a lane job of an encrypted handler subject is encrypted, and its handler gets the payload', async () => {
    const app = await start('secret', { name: 'SECRET', subjects: ['secret.>'] }, [SecretLaneJobs], {
      encryptSubjects: ['secret.job'],
    });
    const ack = await app.get(JetbusClient).publish('secret.job', { card: '4242' }, { priority: 'high' });
    const stored = (await t.jsm.streams.getMessage('SECRET', { seq: ack.seq }))!;
    expect(stored.subject).toBe('secret.job._prio.high');
    expect(stored.header.get(ENCRYPTION_HEADER)).toMatch(/^v1;/);
    expect(stored.string()).not.toContain('4242');
    await waitFor('the high job', () => secret.got.length === 1);
    expect(secret.got).toEqual([{ subject: 'secret.job._prio.high', data: { card: '4242' } }]);
  });

  it('bad lane setups fail at startup with a JetbusConfigError naming the option', async () => {
    const limits = await start('bad', { name: 'LIMITS', subjects: ['limits.>'] }, [FairOnLimits], {
      start: false,
    });
    const e1 = await failure(limits.get(JetbusServer).start());
    expect(e1).toBeInstanceOf(JetbusConfigError);
    expect(e1).toMatchObject({ option: '@JobHandler("limits.job") on FairOnLimits.run.fairness' });
    expect(e1.message).toContain('work-queue stream');

    const narrow = await start('bad', { name: 'NARROW', subjects: ['narrow.job'] }, [PrioritiesNotCaptured], {
      start: false,
    });
    const e2 = await failure(narrow.get(JetbusServer).start());
    expect(e2).toMatchObject({ option: '@JobHandler("narrow.job") on PrioritiesNotCaptured.run.priorities' });
    expect(e2.message).toContain('does not capture the lane subject "narrow.job._prio.high"');

    const wide = await start('bad', { name: 'WIDE', subjects: ['wide.>'] }, [LanesAfterGreaterThan], {
      start: false,
    });
    const e3 = await failure(wide.get(JetbusServer).start());
    expect(e3).toBeInstanceOf(JetbusConfigError);
    expect(e3).toMatchObject({ option: '@JobHandler("wide.>") on LanesAfterGreaterThan.run.priorities' });

    const bus = limits.get(JetbusClient);
    const e4 = await failure(bus.publish('limits.job', {}, { priority: 'urgent' as Priority }));
    expect(e4).toMatchObject({ option: 'priority' });
    const e5 = await failure(bus.publish('limits.job', {}, { group: 'tenant.a' }));
    expect(e5).toMatchObject({ option: 'group' });
    const e6 = await failure(bus.publish('limits.job', {}, { group: 'a', priority: 'high' }));
    expect(e6).toMatchObject({ option: 'group' });
  });
});
