import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ChildWorker } from '../support/child-worker';
import { readDeadLetters } from '../support/dead-letters';
import { mostAtOnce, mostStartsInWindow, readRuns } from '../support/limits-runs';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

async function startWorkers(count: number, env: Record<string, string>): Promise<ChildWorker[]> {
  // Started one after another: three TypeScript compilations at once would crowd the CI machine.
  const workers: ChildWorker[] = [];
  for (let i = 0; i < count; i++) workers.push(await ChildWorker.start('limits-worker.ts', env));
  return workers;
}

describe('limits across three worker processes', () => {
  const t = useJetbus({
    name: 'producer',
    streams: [{ name: 'LIMITS', subjects: ['limits.>'], retention: 'workqueue' }],
  });
  const workers: ChildWorker[] = [];
  t.onStop(() => Promise.all(workers.map((w) => w.crash())));
  const dir = mkdtempSync(path.join(tmpdir(), 'jetbus-limits-'));

  it('maxInFlight 3: never more than 3 handlers at once in the whole service, though 9 slots exist', async () => {
    const out = path.join(dir, 'in-flight.txt');
    workers.push(
      ...(await startWorkers(3, {
        NATS_URL: t.server.url,
        SERVICE: 'capped',
        SUBJECT: 'limits.capped',
        OUT: out,
        WORK_MS: '20',
        CONCURRENCY: '3',
        MAX_IN_FLIGHT: '3',
      })),
    );
    const ids = Array.from({ length: 150 }, (_, i) => `c-${i}`);
    await t.bus.publishMany(ids.map((id) => ({ subject: 'limits.capped', data: { id, tenant: 'x' } })));
    await waitFor('all capped jobs handled', () => readRuns(out).length >= ids.length, 60_000);

    const runs = readRuns(out);
    expect(runs.map((r) => r.id).sort()).toEqual([...ids].sort());
    const most = mostAtOnce(runs);
    console.log(
      `maxInFlight 3 on 3 processes x concurrency 3: at most ${most} handlers at once; ` +
        `jobs per process ${JSON.stringify(countBy(runs, (r) => String(r.pid)))}`,
    );
    expect(most).toBeLessThanOrEqual(3);
    expect(new Set(runs.map((r) => r.pid)).size).toBeGreaterThan(1);
  });

  it('rateLimit { max: 50, per: 1s, key: tenant }: no tenant above 50 starts in any 1 s window, every job done on attempt 1', async () => {
    for (const w of workers.splice(0)) await w.crash();
    const out = path.join(dir, 'rate.txt');
    workers.push(
      ...(await startWorkers(3, {
        NATS_URL: t.server.url,
        SERVICE: 'limited',
        SUBJECT: 'limits.rated',
        OUT: out,
        WORK_MS: '5',
        CONCURRENCY: '8',
        RATE_MAX: '50',
        RATE_PER: '1s',
      })),
    );
    // Two tenants with several seconds of work at the limit, one small tenant beside them.
    const jobs = [
      ...Array.from({ length: 200 }, (_, i) => ({ id: `a-${i}`, tenant: 'acme' })),
      ...Array.from({ length: 200 }, (_, i) => ({ id: `b-${i}`, tenant: 'bolt' })),
      ...Array.from({ length: 30 }, (_, i) => ({ id: `c-${i}`, tenant: 'cleo' })),
    ];
    // Interleaved, as several tenants' producers would publish.
    jobs.sort((a, b) => Number(a.id.slice(2)) - Number(b.id.slice(2)));
    const published = Date.now();
    await t.bus.publishMany(jobs.map((data) => ({ subject: 'limits.rated', data })));
    await waitFor('all rate-limited jobs handled', () => readRuns(out).length >= jobs.length, 60_000);
    const took = Date.now() - published;
    const consumer = await waitFor('consumer drained', async () => {
      const i = await t.jsm.consumers.info('LIMITS', 'limited_limits-rated');
      return i.num_pending === 0 && i.num_ack_pending === 0 ? i : undefined;
    });

    const runs = readRuns(out);
    // Every job handled exactly once, each on its first attempt, none dead-lettered.
    expect(runs.map((r) => r.id).sort()).toEqual(jobs.map((j) => j.id).sort());
    expect(runs.filter((r) => r.attempt !== 1)).toEqual([]);
    expect(await readDeadLetters(t.jsm)).toEqual([]);
    // The consumer never gives up on a waiting job: jetbus counts the attempts.
    expect(consumer.config.max_deliver).toBe(-1);
    const most: Record<string, number> = {};
    for (const tenant of ['acme', 'bolt', 'cleo']) {
      most[tenant] = mostStartsInWindow(
        runs.filter((r) => r.tenant === tenant).map((r) => r.start),
        1000,
      );
    }
    const waitedDeliveries = runs.filter((r) => r.deliveryCount > 1).length;
    const lastEnd = (tenant: string) =>
      Math.max(...runs.filter((r) => r.tenant === tenant).map((r) => r.end));
    console.log(
      `rateLimit 50/1s per tenant, 3 processes: ${jobs.length} jobs in ${took} ms; most starts in a 1 s ` +
        `window ${JSON.stringify(most)}; ${waitedDeliveries} jobs ran after nak-ed waits (deliveries ` +
        `up to ${Math.max(...runs.map((r) => r.deliveryCount))}), all on attempt 1; last job done after ` +
        `cleo ${lastEnd('cleo') - published} ms, acme ${lastEnd('acme') - published} ms; per process ` +
        JSON.stringify(countBy(runs, (r) => String(r.pid))),
    );
    expect(most.acme).toBeLessThanOrEqual(50);
    expect(most.bolt).toBeLessThanOrEqual(50);
    expect(most.cleo).toBeLessThanOrEqual(50);
    // Waits happened as nak-ed redeliveries, and still cost no attempt (asserted above).
    expect(waitedDeliveries).toBeGreaterThan(0);
  });
});

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}
