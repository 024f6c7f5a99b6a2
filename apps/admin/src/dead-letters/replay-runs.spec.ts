import { ReplayRuns } from './replay-runs';

describe('ReplayRuns', () => {
  it('counts progress and ends with core report counts, failures and skips listed', () => {
    const runs = new ReplayRuns();
    const { replayId } = runs.start(3);
    runs.progress(replayId, { replayed: 1, skipped: 0, failed: 0 });
    expect(runs.get(replayId)).toMatchObject({ state: 'running', total: 3, replayed: 1, finishedAt: null });
    runs.finish(replayId, {
      dryRun: false,
      aborted: false,
      replayed: [{ dlqSeq: 1, subject: 'a', stream: 'A', seq: 1, duplicate: false }],
      wouldReplay: [],
      skipped: [{ dlqSeq: 2, reason: 'not found' }],
      failed: [{ dlqSeq: 3, subject: 'b', error: new Error('no stream') }],
    });
    expect(runs.get(replayId)).toMatchObject({
      state: 'done',
      replayed: 1,
      skipped: 1,
      failed: 1,
      errors: [
        { seq: 3, message: 'no stream' },
        { seq: 2, message: 'skipped: not found' },
      ],
    });
  });

  it('says failed when the run stopped or threw', () => {
    const runs = new ReplayRuns();
    const a = runs.start(1).replayId;
    runs.finish(a, new Error('connection closed'));
    expect(runs.get(a)).toMatchObject({
      state: 'failed',
      errors: [{ seq: 0, message: 'connection closed' }],
    });
    const b = runs.start(1);
    runs.abortAll();
    expect(b.signal.aborted).toBe(true);
  });

  it('forgets unknown ids', () => {
    expect(new ReplayRuns().get('nope')).toBeUndefined();
  });
});
