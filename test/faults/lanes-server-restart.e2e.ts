import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kvm } from '@nats-io/kv';
import { UNIQUE_BUCKET } from '@jetbus/core';
import { ChildWorker } from '../support/child-worker';
import { readDeadLetters } from '../support/dead-letters';
import { useJetbus } from '../support/use-jetbus';
import { sleep, waitFor } from '../support/wait-for';

const PER_LANE = 50;
const GROUPS = ['acme', 'globex', 'initech'];

/**
 * Priority lanes and fairness groups with nats-server `kill -9`'d mid-run and restarted on the same
 * store: every job completes (none lost, none dead-lettered), and every unique key is freed.
 */
describe('lanes: nats-server kill -9 and restart mid-run', () => {
  const t = useJetbus({
    name: 'producer',
    reconnectTimeWait: 100,
    streams: [{ name: 'LANES', subjects: ['lane.>'], retention: 'workqueue' }],
  });
  let worker: ChildWorker | undefined;
  t.onStop(async () => worker?.crash());

  it('completes every priority and group job and frees every unique key', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'jetbus-lanes-rst-')), 'done.txt');
    worker = await ChildWorker.start('lanes-crash-worker.ts', {
      NATS_URL: t.server.url,
      OUT: out,
      LOG: `${out}.log`,
      MAX_ATTEMPTS: '3',
      CRASH_LIMIT: '2',
    });
    const done = () =>
      existsSync(out)
        ? readFileSync(out, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => l.split(' ')[0])
        : [];
    const lanes = [
      { subject: 'lane.prio', priority: 'high' as const },
      { subject: 'lane.prio' },
      { subject: 'lane.prio', priority: 'low' as const },
      ...GROUPS.map((group) => ({ subject: 'lane.fair', group })),
    ];
    const ids: string[] = [];
    const keys: string[] = [];
    for (const [l, lane] of lanes.entries()) {
      for (let i = 0; i < PER_LANE; i++) {
        const id = `${l}-${i}`;
        ids.push(id);
        const unique = i % 5 === 0 ? { key: `k-${id}`, for: '10m', until: 'completed' as const } : undefined;
        if (unique) keys.push(unique.key);
        await t.bus.publish(
          lane.subject,
          { id, workMs: 20 + ((i * 37) % 60) },
          {
            priority: 'priority' in lane ? lane.priority : undefined,
            group: 'group' in lane ? lane.group : undefined,
            unique,
            msgId: id,
          },
        );
      }
    }
    await waitFor('a quarter of the jobs done', () => done().length >= ids.length / 4, 30_000);
    await t.server.kill();
    await sleep(500);
    await t.server.restart();

    await waitFor('every job completed', () => new Set(done()).size === ids.length, 60_000, 200).catch(
      async (e: unknown) => {
        const seen = new Set(done());
        console.log(`DIAG missing ${ids.filter((id) => !seen.has(id)).join(',')} log ${out}.log`);
        throw e;
      },
    );
    expect([...new Set(done())].sort()).toEqual([...ids].sort());
    expect((await readDeadLetters(t.jsm).catch(() => [])).filter((d) => d.stream === 'LANES')).toEqual([]);
    const kv = await new Kvm(t.js).open(UNIQUE_BUCKET);
    const held = async () => {
      const h: string[] = [];
      for (const key of keys) if ((await kv.get(key))?.operation === 'PUT') h.push(key);
      return h;
    };
    await waitFor('every key freed', async () => (await held()).length === 0, 10_000, 200).catch(
      async (e: unknown) => {
        console.log(`DIAG held ${(await held()).join(',')}`);
        throw e;
      },
    );
    console.log(`lanes restart: ${ids.length} jobs, ${done().length} completions`);
  }, 90_000);
});
