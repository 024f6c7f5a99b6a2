import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ChildWorker } from '../support/child-worker';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

const JOBS = 2000;

describe('two worker processes sharing one durable', () => {
  const t = useJetbus({
    name: 'producer',
    streams: [{ name: 'JOBS', subjects: ['jobs.>'], retention: 'workqueue' }],
  });
  const workers: ChildWorker[] = [];
  t.onStop(() => Promise.all(workers.map((w) => w.crash())));

  it('handles every one of 2,000 jobs, split across both, and leaves nothing pending', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jetbus-share-'));
    const outs = [path.join(dir, 'a.txt'), path.join(dir, 'b.txt')];
    for (const out of outs) {
      workers.push(
        await ChildWorker.start('record-worker.ts', {
          NATS_URL: t.server.url,
          SERVICE: 'shared',
          SUBJECT: 'jobs.resize',
          OUT: out,
          WORK_MS: '2',
        }),
      );
    }
    const ids = Array.from({ length: JOBS }, (_, i) => `job-${i}`);
    const acks = await t.bus.publishMany(
      ids.map((id) => ({ subject: 'jobs.resize', data: { id }, options: { msgId: id } })),
    );
    expect(acks).toHaveLength(JOBS);
    expect(acks.every((a) => a.stream === 'JOBS' && !a.duplicate)).toBe(true);

    const read = (f: string) =>
      existsSync(f)
        ? readFileSync(f, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => l.split(' ')[0])
        : [];
    await waitFor('all jobs handled', () => read(outs[0]).length + read(outs[1]).length >= JOBS, 60_000);
    const jsm = t.connection.jsm;
    const info = await waitFor('consumer drained', async () => {
      const i = await jsm.consumers.info('JOBS', 'shared_jobs-resize');
      return i.num_pending === 0 && i.num_ack_pending === 0 ? i : undefined;
    });

    const [a, b] = outs.map(read);
    expect(new Set([...a, ...b])).toEqual(new Set(ids));
    // No redeliveries happened, so no job ran twice.
    expect(a.length + b.length).toBe(JOBS);
    expect(info.num_redelivered).toBe(0);
    // Both processes took a share.
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    // A work-queue stream deletes each job once acked.
    expect((await jsm.streams.info('JOBS')).state.messages).toBe(0);
  });
});
