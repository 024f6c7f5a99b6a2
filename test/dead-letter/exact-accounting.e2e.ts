import { Injectable } from '@nestjs/common';
import { Ctx, type JetbusContext, JetbusClient, JobHandler, Payload } from '@jetbus/core';
import { readDeadLetters } from '../support/dead-letters';
import { useJetbus } from '../support/use-jetbus';
import { waitFor } from '../support/wait-for';

const JOBS = 10_000;
const kind = (i: number) => (i % 20 === 0 ? 'always-fails' : i % 20 === 1 ? 'fails-twice' : 'ok');
const completed = new Map<string, number>();

@Injectable()
class CountedJobs {
  @JobHandler('acct.job', {
    concurrency: 64,
    prefetch: 128,
    maxAttempts: 3,
    backoff: { type: 'fixed', delay: 20 },
  })
  run(@Payload() job: { id: string; i: number }, @Ctx() ctx: JetbusContext): void {
    const k = kind(job.i);
    if (k === 'always-fails') throw new Error(`always fails: ${job.id}`);
    if (k === 'fails-twice' && ctx.attempt < 3) throw new Error(`transient ${ctx.attempt}`);
    completed.set(job.id, ctx.attempt);
  }
}

describe('10,000 jobs: 5% always failing, 5% failing twice', () => {
  const t = useJetbus(
    {
      name: 'acct',
      logger: false,
      streams: [{ name: 'ACCT', subjects: ['acct.>'], retention: 'workqueue' }],
    },
    [CountedJobs],
  );

  it('ends with every id either completed or dead-lettered with the right reason and attempts', async () => {
    const ids = Array.from({ length: JOBS }, (_, i) => ({ id: `j-${i}`, i }));
    const acks = await t.app
      .get(JetbusClient)
      .publishMany(ids.map((data) => ({ subject: 'acct.job', data, options: { msgId: data.id } })));
    const idBySeq = new Map(acks.map((a, i) => [a.seq, ids[i].id]));
    const { jsm } = t.connection;

    await waitFor(
      'all settled',
      async () => completed.size + (await jsm.streams.info('JETBUS_DLQ')).state.messages >= JOBS,
      90_000,
      100,
    );
    const dead = await readDeadLetters(jsm);
    const deadIds = dead.map((d) => idBySeq.get(d.seq)!);

    const expectedDead = ids.filter((j) => kind(j.i) === 'always-fails').map((j) => j.id);
    const expectedDone = ids.filter((j) => kind(j.i) !== 'always-fails').map((j) => j.id);
    expect(deadIds.sort()).toEqual(expectedDead.sort());
    expect([...completed.keys()].sort()).toEqual(expectedDone.sort());
    expect(deadIds.filter((id) => completed.has(id))).toEqual([]);
    expect(new Set(deadIds).size).toBe(deadIds.length);
    expect(dead.every((d) => d.reason === 'error' && d.attempts === 3)).toBe(true);
    // Jobs failing twice succeeded on exactly their third attempt; the rest on their first.
    for (const j of ids) {
      if (kind(j.i) === 'fails-twice') expect(completed.get(j.id)).toBe(3);
      if (kind(j.i) === 'ok') expect(completed.get(j.id)).toBe(1);
    }
    await waitFor('work queue empty', async () => (await jsm.streams.info('ACCT')).state.messages === 0);
  });
});
