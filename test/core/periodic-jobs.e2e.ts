import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { type INestApplicationContext, Injectable, type Type } from '@nestjs/common';
import {
  Ctx,
  type JetbusContext,
  JetbusConfigError,
  JetbusMetrics,
  JetbusModule,
  JetbusServer,
  PeriodicNotFoundError,
  Periodic,
  listPeriodic,
  pausePeriodic,
  periodicTickOf,
  resumePeriodic,
} from '@jetbus/core';
import { Test } from '@nestjs/testing';
import { useJetbus } from '../support/use-jetbus';
import { sleep, waitFor } from '../support/wait-for';

const CLI = [
  '-r',
  join(__dirname, '..', '..', 'scripts', 'register-ts.js'),
  join(__dirname, '..', '..', 'src', 'main.ts'),
];

/** `jetbus periodic …` through commander itself, in a child process. */
function jetbus(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI, 'periodic', ...args], { timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

const ticks: number[] = [];

@Injectable()
class Pausable {
  @Periodic('* * * * * *', { name: 'pausable' })
  run(@Ctx() ctx: JetbusContext): void {
    ticks.push(periodicTickOf(ctx)!.getTime());
  }
}

const ran = (from: number, to: number) => ticks.filter((t) => t > from && t < to);

/** This process's `jetbus_periodic_ticks_total` for `schedule` and `outcome`. */
async function ticksCounted(
  app: INestApplicationContext,
  schedule: string,
  outcome: string,
): Promise<number> {
  const metric = await app.get(JetbusMetrics).registry.getSingleMetric('jetbus_periodic_ticks_total')!.get();
  return (
    metric.values.find((v) => v.labels.schedule === schedule && v.labels.outcome === outcome)?.value ?? 0
  );
}
const SECOND = 1_000;

describe('periodic jobs: pause and resume', () => {
  const t = useJetbus({ name: 'pausing', heartbeat: false }, [Pausable]);
  const url = () => t.server.url;

  it('paused through the library: no tick runs; resumed: ticks run again', async () => {
    await waitFor('2 ticks', () => ticks.length >= 2);
    await pausePeriodic(t.js, 'pausable');
    const pausedAt = Date.now();
    expect((await listPeriodic(t.js)).find((s) => s.name === 'pausable')).toMatchObject({
      paused: true,
      cron: '* * * * * *',
      timezone: 'UTC',
      subject: 'jetbus.periodic.pausable',
      handler: 'Pausable.run',
      service: 'pausing',
    });
    await sleep(2 * SECOND);
    const resumingAt = Date.now();
    await resumePeriodic(t.js, 'pausable');
    const resumedAt = Date.now();
    await waitFor('a tick after the resume', () => ticks.some((t) => t > resumedAt));
    // Every tick after the pause took effect and before the resume was skipped (2 of them or more).
    expect(ran(pausedAt, resumingAt)).toEqual([]);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(await ticksCounted(t.app, 'pausable', 'skipped_paused')).toBeGreaterThanOrEqual(1);
    // Counted once the tick's PubAck is back, which may come after its handler already ran.
    await waitFor('3 ticks counted as published', async () =>
      (await ticksCounted(t.app, 'pausable', 'published')) >= 3 ? true : undefined,
    );
  });

  it('paused and resumed through the CLI', async () => {
    const paused = await jetbus('pause', 'pausable', '-s', url());
    expect(paused).toMatchObject({ code: 0 });
    expect(paused.stdout).toContain('pausable: paused');
    const pausedAt = Date.now();
    const list = await jetbus('list', '-s', url(), '--json');
    const listed = JSON.parse(list.stdout) as { schedules: { name: string; paused: boolean }[] };
    expect(listed.schedules).toEqual([expect.objectContaining({ name: 'pausable', paused: true })]);
    await sleep(2 * SECOND);
    const resumingAt = Date.now();
    expect(await jetbus('resume', 'pausable', '-s', url())).toMatchObject({ code: 0 });
    const resumedAt = Date.now();
    await waitFor('a tick after the resume', () => ticks.some((t) => t > resumedAt));
    expect(ran(pausedAt, resumingAt)).toEqual([]);
  });

  it('an unknown schedule is refused', async () => {
    await expect(pausePeriodic(t.js, 'nope')).rejects.toBeInstanceOf(PeriodicNotFoundError);
  });
});

describe('periodic options are checked at startup', () => {
  const t = useJetbus({ name: 'checks', heartbeat: false }, [], { start: false });

  /** Starts a worker with `provider`; resolves with what its startup threw. */
  async function startWith(provider: unknown): Promise<unknown> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        JetbusModule.forRoot({ servers: t.server.url, name: 'bad', logger: false, heartbeat: false }),
      ],
      providers: [provider as Type],
    }).compile();
    const app = moduleRef.createNestApplication();
    try {
      await app.init();
      await app.get(JetbusServer).start();
      return undefined;
    } catch (e) {
      return e;
    } finally {
      await app.close().catch(() => undefined);
    }
  }

  it('a bad cron expression, an unknown time zone, a duplicate name: JetbusConfigError naming it', async () => {
    @Injectable()
    class BadCron {
      @Periodic('61 * * * *')
      run(): void {}
    }
    @Injectable()
    class BadZone {
      @Periodic('* * * * *', { timezone: 'Mars/Olympus' })
      run(): void {}
    }
    @Injectable()
    class Twice {
      @Periodic('* * * * *', { name: 'same' })
      a(): void {}
      @Periodic('0 * * * *', { name: 'same' })
      b(): void {}
    }
    const cron = await startWith(BadCron);
    expect(cron).toBeInstanceOf(JetbusConfigError);
    expect((cron as Error).message).toContain('BadCron.run');
    expect((cron as Error).message).toContain('61 * * * *');
    const zone = await startWith(BadZone);
    expect(zone).toBeInstanceOf(JetbusConfigError);
    expect((zone as Error).message).toContain('Mars/Olympus');
    const twice = await startWith(Twice);
    expect(twice).toBeInstanceOf(JetbusConfigError);
    expect((twice as Error).message).toContain('"same"');
  });
});

const slowRuns: number[] = [];

@Injectable()
class Slow {
  /** Runs 1.5 s, so the next tick comes while it runs. */
  @Periodic('* * * * * *', { name: 'slow', overlap: false })
  async run(@Ctx() ctx: JetbusContext): Promise<void> {
    slowRuns.push(periodicTickOf(ctx)!.getTime());
    await sleep(1_500);
  }
}

describe('periodic jobs: overlap: false', () => {
  const t = useJetbus({ name: 'overlapping', heartbeat: false }, [Slow]);

  it('skips a tick while the previous one still runs', async () => {
    await waitFor('3 runs', () => slowRuns.length >= 3, 20_000);
    // A tick 1 s after a run started finds it unacked and is skipped: runs are ≥ 2 ticks apart.
    const gaps = slowRuns.slice(1).map((t, i) => t - slowRuns[i]);
    expect(gaps.filter((g) => g < 2 * SECOND)).toEqual([]);
    expect(await ticksCounted(t.app, 'slow', 'skipped_overlap')).toBeGreaterThanOrEqual(2);
  });
});
