import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { JobHandler, Payload } from '@jetbus/core';
import { useBrowser } from '../support/browser';
import { startJetbusApp } from '../support/jetbus-app';
import { useAdmin } from '../support/use-admin';
import { waitFor } from '../support/wait-for';
import { buildWebUi, signIn, uiUser } from './ui-support';

/*
 * Filtered bulk redrive from the browser: replay every dead letter matching a search with a
 * progress bar, replay a checked selection, and purge what matches a filter, each confirmed first.
 */

interface Sync {
  account: string;
  cause: string;
}

/** While the bank is down every job fails; the test brings it back before replaying. */
let bankUp = false;
const synced: string[] = [];

@Injectable()
class SyncJobs {
  @JobHandler('uisync.run', { maxAttempts: 1 })
  run(@Payload() job: Sync): void {
    if (!bankUp) throw new Error(`${job.cause} for ${job.account}`);
    synced.push(job.account);
  }
}

const operator = uiUser('operator');

describe('admin web UI: bulk replay and purge of dead letters', () => {
  let worker: INestApplicationContext | undefined;
  // Before useAdmin: afterAll hooks run in order, and the worker must close before the server.
  afterAll(async () => {
    await worker?.close();
  });
  const t = useAdmin({ users: [operator.options] });
  const browser = useBrowser();

  beforeAll(async () => {
    buildWebUi();
    worker = await startJetbusApp(
      {
        name: 'uisync',
        servers: t.server.url,
        logger: false,
        streams: [{ name: 'UISYNC', subjects: ['uisync.>'] }],
      },
      [SyncJobs],
    );
    const jobs: Sync[] = [
      { account: 'acct-1', cause: 'bank timeout' },
      { account: 'acct-2', cause: 'bank timeout' },
      { account: 'acct-3', cause: 'bank timeout' },
      { account: 'acct-4', cause: 'schema drift' },
      { account: 'acct-5', cause: 'junk record' },
      { account: 'acct-6', cause: 'duplicate account' },
    ];
    for (const job of jobs) await t.js.publish('uisync.run', JSON.stringify(job));
    await waitFor(
      'six dead letters',
      async () => (await t.jsm.streams.info('JETBUS_DLQ')).state.messages === 6,
    );
    bankUp = true;
  });

  it('replays every dead letter matching a search, with progress to the end', async () => {
    const page = await browser.newPage();
    await signIn(page, t.url, operator);
    await page.goto(`${t.url}/#/dead-letters`);
    await page.getByLabel('Error contains').fill('bank timeout');
    await page.getByLabel('Error contains').press('Enter');
    await page
      .getByTestId('dl-matching')
      .filter({ hasText: /^3 matching$/ })
      .waitFor();
    await page.getByRole('button', { name: 'Replay all matching…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Replay all matching' });
    expect(await dialog.locator('.warning').innerText()).toBe(
      'Re-publishes 3 dead letters matching error = "bank timeout" to their original subjects.',
    );
    expect(await dialog.getByRole('button', { name: 'Replay 3' }).isDisabled()).toBe(true);
    await page.keyboard.type('replay');
    await page.keyboard.press('Enter');
    const progress = page.locator('.progress-box');
    await progress.getByText('Replay finished').waitFor();
    expect(await progress.locator('.progress-line span').textContent()).toBe(
      '3 replayed · 0 skipped · 0 failed of 3',
    );
    await browser.screenshot(page, 'dead-letters-bulk-replay');
    await waitFor('three accounts synced', () => synced.length === 3);
    expect([...synced].sort()).toEqual(['acct-1', 'acct-2', 'acct-3']);
    await page.getByText('No dead letters match.').waitFor();
  });

  it('replays a checked selection and purges by filter', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/#/dead-letters`);
    await page
      .getByTestId('dl-total')
      .filter({ hasText: /^3 dead letters$/ })
      .waitFor();
    await page
      .getByRole('row', { name: /schema drift/ })
      .getByRole('checkbox')
      .check();
    await page.getByRole('button', { name: 'Replay selected (1)' }).click();
    await page.locator('.progress-box').getByText('Replay finished').waitFor();
    await waitFor('acct-4 synced', () => synced.length === 4);
    expect(synced[3]).toBe('acct-4');

    await page
      .getByTestId('dl-total')
      .filter({ hasText: /^2 dead letters$/ })
      .waitFor();
    await page.getByLabel('Error contains').fill('junk');
    await page.getByLabel('Error contains').press('Enter');
    await page.getByRole('button', { name: 'Purge matching…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Purge matching dead letters' });
    await dialog.getByLabel('confirmation').fill('purge');
    await browser.screenshot(page, 'dead-letters-purge-confirm');
    await dialog.getByRole('button', { name: 'Purge 1' }).click();
    await page.getByText('Purged 1 dead letter.').waitFor();
    expect((await t.jsm.streams.info('JETBUS_DLQ')).state.messages).toBe(1);

    // The last one is deleted on its own, from its drawer.
    await page.getByLabel('Error contains').fill('');
    await page.getByLabel('Error contains').press('Enter');
    await page.getByRole('button', { name: /^Open dead letter/ }).click();
    const drawer = page.getByRole('dialog', { name: /^Dead letter/ });
    await drawer.getByRole('button', { name: 'Delete…' }).click();
    const confirm = page.getByRole('dialog', { name: /^Delete dead letter/ });
    const seq = (await confirm.locator('code').textContent()) ?? '';
    await confirm.getByLabel('confirmation').fill(seq);
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.getByText(`Dead letter ${seq} deleted.`).waitFor();
    expect((await t.jsm.streams.info('JETBUS_DLQ')).state.messages).toBe(0);

    const audit = await t
      .api('admin')
      .get<{ items: { action: string; actor: string; result: string }[] }>('/api/audit?actor=ui-operator');
    expect(audit.body.items.map((e) => e.action).filter((a) => a.startsWith('dlq.'))).toEqual([
      // Newest first: the delete, the purge, its counting dry run, the selection, the filtered replay, its dry run.
      'dlq.delete',
      'dlq.purge',
      'dlq.replay',
      'dlq.replay',
      'dlq.replay',
      'dlq.replay',
    ]);
    expect(browser.problems).toEqual([]);
  });
});
