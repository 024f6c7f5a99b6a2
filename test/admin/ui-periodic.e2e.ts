import { type INestApplicationContext, Injectable } from '@nestjs/common';
import { Kvm } from '@nats-io/kv';
import { Periodic, listPeriodic } from '@jetbus/core';
import { type Page } from 'playwright-core';
import { useBrowser } from '../support/browser';
import { startJetbusApp } from '../support/jetbus-app';
import { useAdmin } from '../support/use-admin';
import { waitFor } from '../support/wait-for';
import { buildWebUi, signIn, uiUser } from './ui-support';

/*
 * The "Periodic" page in a real chromium: the schedules a real worker declared (and one written
 * straight into the bucket by anyone who may), with cron, time zone, subject, state, last and next
 * tick; pause (after typing the schedule's name) and resume for operators only; untrusted text
 * shown as text.
 */

const viewer = uiUser('viewer');
const operator = uiUser('operator');
/** What anyone with write access to the bucket may put in a definition: markup must stay text. */
const HOSTILE = 'svc.<img/src=x/onerror=alert(1)>';
const ODD_LAST_TICK = '2026-11-29T23:55:00.000Z';

@Injectable()
class Reports {
  // 02:00 Paris time: no tick fires while the test runs (unless it runs at that very second, which
  // changes nothing the test reads but the last tick).
  @Periodic('0 0 2 * * *', { name: 'nightly-report', timezone: 'Europe/Paris' })
  nightly(): void {}
}

describe('admin web UI: periodic schedules', () => {
  let worker: INestApplicationContext | undefined;
  // Declared before the fixture's: afterAll hooks run in order, and the worker must close (drain its
  // consumers) while the nats-server still runs.
  afterAll(async () => worker?.close());
  const t = useAdmin({ users: [viewer.options, operator.options] });
  const browser = useBrowser();

  beforeAll(async () => {
    buildWebUi();
    worker = await startJetbusApp(
      { servers: t.server.url, name: 'reports', logger: false, heartbeat: false },
      [Reports],
    );
    const kv = await new Kvm(t.js).open('JETBUS_PERIODIC');
    await kv.put(
      'def.odd',
      JSON.stringify({
        name: 'odd',
        cron: '*/5 * * * *',
        timezone: 'UTC',
        subject: 'jobs.odd',
        overlap: false,
        missed: 'run-once',
        handler: HOSTILE,
        service: HOSTILE,
        declaredAt: '2026-11-30T08:00:00.000Z',
      }),
    );
    await kv.put('last.odd', ODD_LAST_TICK);
    await waitFor('both schedules declared', async () => (await listPeriodic(t.js)).length === 2);
  });

  const rows = (page: Page) => page.locator('table.periodic tbody tr');
  const cells = (page: Page, name: string) =>
    rows(page).filter({ hasText: name }).first().locator(':scope > td').allInnerTexts();
  const timeIn = (page: Page, name: string, column: number) =>
    rows(page).filter({ hasText: name }).first().locator(`td:nth-child(${column}) time`).first();
  const nextTick = async (name: string) =>
    (await listPeriodic(t.js)).find((s) => s.name === name)?.nextTick?.toISOString();

  it('lists the schedules to a viewer, with no pause or resume', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signIn(page, t.url, viewer);
    await page.getByRole('link', { name: 'Periodic' }).click();
    await page.getByRole('heading', { name: 'Periodic schedules' }).waitFor();
    await page.locator('table.periodic').waitFor();
    expect(await rows(page).locator('td:first-child > .mono').allInnerTexts()).toEqual([
      'nightly-report',
      'odd',
    ]);
    expect(await page.getByText('2 declared, 0 paused').count()).toBe(1);

    const nightly = await cells(page, 'nightly-report');
    expect(nightly.slice(0, 6)).toEqual([
      'nightly-report\nReports.nightly · reports',
      '0 0 2 * * *\nmissed: skip',
      'Europe/Paris',
      'jetbus.periodic.nightly-report',
      'active',
      'never',
    ]);
    expect(nightly[6]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\nin \d+ (h|min)/);
    expect(await timeIn(page, 'nightly-report', 7).getAttribute('datetime')).toBe(
      await nextTick('nightly-report'),
    );

    // Written by hand into the bucket: shown as text, nothing runs.
    const odd = await cells(page, 'odd');
    expect(odd.slice(0, 5)).toEqual([
      `odd\n${HOSTILE} · ${HOSTILE}`,
      '*/5 * * * *\nmissed: run-once · no overlap',
      'UTC',
      'jobs.odd',
      'active',
    ]);
    expect(odd[5]).toMatch(/ ago$/);
    expect(await timeIn(page, 'odd', 6).getAttribute('datetime')).toBe(ODD_LAST_TICK);
    expect(await page.locator('table.periodic img').count()).toBe(0);
    expect(dialogs).toEqual([]);

    expect(await page.getByRole('button', { name: /Pause|Resume/ }).count()).toBe(0);
    await page.getByText('Pausing and resuming need the operator role.', { exact: false }).waitFor();
  });

  it('pauses a schedule for an operator after its name is typed, and resumes it', async () => {
    const page = await browser.newPage();
    await signIn(page, t.url, operator);
    await page.goto(`${t.url}/#/periodic`);
    await page.locator('table.periodic').waitFor();

    await page.getByRole('button', { name: 'Pause nightly-report' }).click();
    const dialog = page.getByRole('dialog', { name: 'Pause nightly-report' });
    await dialog.getByText('stops firing on every instance').waitFor();
    const confirm = dialog.getByRole('button', { name: 'Pause schedule' });
    await dialog.getByLabel('confirmation').fill('nightly-repor');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('confirmation').fill('nightly-report');
    await browser.screenshot(page, 'periodic-pause-confirm');
    await confirm.click();
    await page.getByRole('status').filter({ hasText: 'Schedule nightly-report paused' }).waitFor();
    expect((await listPeriodic(t.js)).map((s) => [s.name, s.paused])).toEqual([
      ['nightly-report', true],
      ['odd', false],
    ]);
    await waitFor('the row shown paused', async () =>
      (await cells(page, 'nightly-report'))[4].startsWith('paused'),
    );
    expect((await cells(page, 'nightly-report'))[6]).toMatch(/\nskipped while paused$/);
    expect(await page.getByText('2 declared, 1 paused').count()).toBe(1);
    await browser.screenshot(page, 'periodic-page');

    await page.getByRole('button', { name: 'Resume nightly-report' }).click();
    await page.getByRole('status').filter({ hasText: 'Schedule nightly-report resumed' }).waitFor();
    expect((await listPeriodic(t.js)).map((s) => s.paused)).toEqual([false, false]);
    await page.getByRole('button', { name: 'Pause nightly-report' }).waitFor();

    const log = await t
      .api('admin')
      .get<{ items: { action: string; target: string; actor: string }[] }>('/api/audit?action=periodic');
    expect(log.body.items.map((e) => [e.action, e.target, e.actor])).toEqual([
      ['periodic.resume', 'nightly-report', 'ui-operator'],
      ['periodic.pause', 'nightly-report', 'ui-operator'],
    ]);
    expect(browser.problems).toEqual([]);
  });
});
