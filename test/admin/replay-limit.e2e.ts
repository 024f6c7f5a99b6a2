import { auditTrail } from '../support/audit-trail';
import { useBrowser } from '../support/browser';
import { loginClient, useAdmin } from '../support/use-admin';
import { waitFor } from '../support/wait-for';
import { writeDeadLetter } from '../dead-letter/support/dead-letter-writer';
import { buildWebUi, signIn, uiUser } from './ui-support';

/*
 * Bulk replays run in the background; without a bound one operator could start any number of them
 * and load NATS and the app. `bulkReplayLimit` bounds them per caller and overall: a start beyond
 * either is a 429 REPLAY_LIMIT, audited, shown by the UI. Dry runs are bounded alike, counted apart.
 */

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
}

interface Started {
  replayId: string;
  total: number;
}

const operator = uiUser('operator');
let nextSeq = 1;
let adminRun = '';

describe('admin: a bound on bulk replays running at once (bulkReplayLimit)', () => {
  const t = useAdmin({ bulkReplayLimit: { perActor: 1, total: 2 }, users: [operator.options] });
  const browser = useBrowser();

  /** `n` dead letters of jobs on `slow.<tag>` (a stream exists for them, so each replay publishes). */
  const deadLetters = async (tag: string, n: number): Promise<number[]> => {
    const seqs: number[] = [];
    for (let i = 0; i < n; i++)
      seqs.push(await writeDeadLetter(t.js, { subject: `slow.${tag}`, seq: nextSeq++ }));
    return seqs;
  };
  /** A replay that lasts: three dead letters at one every ten seconds (the app aborts it at close). */
  const slowReplay = async (tag: string) => ({ seqs: await deadLetters(tag, 3), ratePerSecond: 0.1 });

  beforeAll(async () => {
    buildWebUi();
    await t.jsm.streams.add({ name: 'JETBUS_DLQ', subjects: ['dlq.>'] });
    await t.jsm.streams.add({ name: 'SLOW', subjects: ['slow.>'] });
  });

  it('admits one start of parallel ones per caller, then one more caller, and refuses the rest with 429', async () => {
    const op = t.api('operator');
    const bodies = await Promise.all([1, 2, 3, 4, 5].map((i) => slowReplay(`race${i}`)));
    const answers = await Promise.all(
      bodies.map((b) => op.post<Started | ErrorBody>('/api/dead-letters/replay', b)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([202, 429, 429, 429, 429]);
    const refused = answers.find((a) => a.status === 429) as { body: ErrorBody } | undefined;
    expect(refused?.body).toEqual({
      statusCode: 429,
      error: 'TOO_MANY_REQUESTS',
      message:
        'operator-token already runs 1 bulk replay, the most one caller may run at once ' +
        '(bulkReplayLimit.perActor); start this one when one of them has finished',
      code: 'REPLAY_LIMIT',
    });

    // Another caller has a slot of its own, until the app's total is reached. This run ends by
    // itself in about five seconds (two at one every five), which the next test waits for.
    const admin = await t
      .api('admin')
      .post<Started>('/api/dead-letters/replay', { seqs: await deadLetters('admin', 2), ratePerSecond: 0.2 });
    expect(admin.status).toBe(202);
    adminRun = admin.body.replayId;
    const session = await loginClient(t.url, operator.name, operator.password);
    const overall = await session.post<ErrorBody>('/api/dead-letters/replay', await slowReplay('overall'));
    expect([overall.status, overall.body.code, overall.body.message]).toEqual([
      429,
      'REPLAY_LIMIT',
      '2 bulk replays are running, the most this app runs at once (bulkReplayLimit.total); ' +
        'start this one when one of them has finished',
    ]);

    // A dry run reads and plans only: it is never refused for the runs going on.
    const plan = await op.post<{ dryRun: boolean; total: number }>('/api/dead-letters/replay', {
      ...(await slowReplay('plan')),
      dryRun: true,
    });
    expect([plan.status, plan.body.dryRun, plan.body.total]).toEqual([202, true, 3]);

    // Each refusal is in the trail like any refused replay: who, the selection, why.
    const refusals = (await auditTrail(t.jsm)).filter(
      (e) => e.action === 'dlq.replay' && e.result === 'error',
    );
    expect(refusals.map((e) => [e.actor, e.target, e.error])).toEqual([
      ...Array.from({ length: 4 }, () => ['operator-token', 'JETBUS_DLQ', refused?.body.message]),
      ['ui-operator', 'JETBUS_DLQ', overall.body.message],
    ]);
    expect(refusals[4]?.filter).toEqual({ seqs: expect.any(Array) as number[], ratePerSecond: 0.1 });
  });

  it('gives the slot back when a replay ends', async () => {
    const viewer = t.api('viewer');
    const done = await waitFor('the admin’s replay done', async () => {
      const res = await viewer.get<{ state: string }>(`/api/dead-letters/replays/${adminRun}`);
      return res.body.state !== 'running' && res.body;
    });
    expect(done).toMatchObject({ state: 'done', replayed: 2 });
    // One dead letter at the default rate: it ends at once and frees its slot again.
    const again = await t
      .api('admin')
      .post<Started>('/api/dead-letters/replay', { seqs: await deadLetters('again', 1) });
    expect(again.status).toBe(202);
    await waitFor('the second admin replay done', async () => {
      const res = await viewer.get<{ state: string }>(`/api/dead-letters/replays/${again.body.replayId}`);
      return res.body.state === 'done';
    });
  });

  it('bounds dry runs by the same numbers, counted apart from the replays running', async () => {
    // Enough dead letters that one plan takes a while: parallel plans overlap the first one.
    const seqs = await Promise.all(
      Array.from({ length: 1_500 }, () => writeDeadLetter(t.js, { subject: 'slow.plans', seq: nextSeq++ })),
    );
    const op = t.api('operator');
    const plan = () =>
      op.post<{ dryRun?: boolean; total?: number } & Partial<ErrorBody>>('/api/dead-letters/replay', {
        filter: { subject: 'slow.plans' },
        dryRun: true,
      });
    const answers = await Promise.all(Array.from({ length: 6 }, plan));
    const accepted = answers.filter((a) => a.status === 202);
    const refused = answers.filter((a) => a.status === 429);
    expect(accepted.length + refused.length).toBe(6);
    // operator-token still runs its slow replay from the first test: the plan is not refused for it.
    expect(accepted.map((a) => [a.body.dryRun, a.body.total])[0]).toEqual([true, seqs.length]);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(new Set(refused.map((a) => [a.body.code, a.body.message].join(': ')))).toEqual(
      new Set([
        'REPLAY_LIMIT: operator-token already runs 1 dry run, the most one caller may run at once ' +
          '(bulkReplayLimit.perActor); start this one when one of them has finished',
      ]),
    );
    // Each plan gives its slot back: the next one is planned.
    expect((await plan()).status).toBe(202);
    await t.jsm.streams.purge('JETBUS_DLQ', { filter: 'dlq.slow.plans' });
  });

  it('shows the refusal in the UI where the replay was asked for', async () => {
    // ui-operator's own slow replay, started through the API, holds its one slot.
    const session = await loginClient(t.url, operator.name, operator.password);
    expect((await session.post('/api/dead-letters/replay', await slowReplay('mine'))).status).toBe(202);
    await deadLetters('ui', 2);
    const message =
      'ui-operator already runs 1 bulk replay, the most one caller may run at once ' +
      '(bulkReplayLimit.perActor); start this one when one of them has finished';

    const page = await browser.newPage();
    await signIn(page, t.url, operator);
    await page.goto(`${t.url}/#/dead-letters`);
    await page.getByLabel('Subject').fill('slow.ui');
    await page.getByLabel('Subject').press('Enter');
    await page
      .getByTestId('dl-matching')
      .filter({ hasText: /^2 matching$/ })
      .waitFor();
    await page.getByRole('button', { name: 'Replay all matching…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Replay all matching' });
    await dialog.getByLabel('confirmation').fill('replay');
    await page.keyboard.press('Enter');
    // The dialog stays open with the refusal where the operator confirmed.
    await dialog.getByRole('alert').waitFor();
    expect(await dialog.getByRole('alert').innerText()).toBe(message);
    await browser.screenshot(page, 'dead-letters-replay-limit');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // A checked selection is refused the same way, on the page.
    await page
      .getByRole('row', { name: /slow\.ui/ })
      .first()
      .getByRole('checkbox')
      .check();
    await page.getByRole('button', { name: 'Replay selected (1)' }).click();
    await page.locator('.page > .error[role=alert]').waitFor();
    expect(await page.locator('.page > .error[role=alert]').innerText()).toBe(message);
    expect(browser.problems).toEqual([]);
  });
});
