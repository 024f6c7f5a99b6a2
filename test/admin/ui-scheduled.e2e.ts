import { type INestApplicationContext, Injectable } from '@nestjs/common';
import { Kvm } from '@nats-io/kv';
import { headers } from '@nats-io/transport-node';
import {
  CANCELLED_BUCKET,
  Ctx,
  type JetbusContext,
  JetbusClient,
  JobHandler,
  Payload,
  scheduledSubject,
} from '@jetbus/core';
import { type Page } from 'playwright-core';
import { useBrowser } from '../support/browser';
import { startJetbusApp } from '../support/jetbus-app';
import { useAdmin } from '../support/use-admin';
import { waitFor } from '../support/wait-for';
import { buildWebUi, signIn, uiUser } from './ui-support';

/*
 * The "Scheduled" page in a real chromium: the delayed jobs waiting in the scheduling stream with
 * their due time and time left, a subject filter, cancel (after typing "cancel") for operators
 * only, and untrusted subjects shown as text; and its "Cancel a job by id" form (operators only),
 * which cancels scheduled, queued or running jobs through `POST /api/jobs/:jobId/cancel`.
 */

const viewer = uiUser('viewer');
const operator = uiUser('operator');
const HOUR = 3_600_000;
/** A subject anyone may publish: markup must show as text, never run. */
const HOSTILE = 'ship.<img/src=x/onerror=alert(1)>';

/** The ids of the jobs running now; each one runs until its signal aborts (a cancel). */
const running = new Set<string>();

@Injectable()
class LongJobs {
  @JobHandler('uirun.export')
  async run(@Payload() job: { id: string }, @Ctx() ctx: JetbusContext): Promise<void> {
    running.add(job.id);
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
    running.delete(job.id);
  }
}

describe('admin web UI: scheduled jobs', () => {
  const t = useAdmin({ users: [viewer.options, operator.options] });
  const browser = useBrowser();
  let producer: INestApplicationContext;
  let bus: JetbusClient;

  beforeAll(async () => {
    buildWebUi();
    // Schedules and releases nothing (no handlers).
    producer = await startJetbusApp(
      { servers: t.server.url, name: 'ui-producer', logger: false, scheduling: {}, streams: [] },
      [],
    );
    bus = producer.get(JetbusClient);
    for (const [id, subject, delay] of [
      ['ship-1', 'ship.created', HOUR],
      ['ship-2', 'ship.created', 2 * HOUR],
      ['bill-1', 'bill.due', 3 * HOUR],
    ] as const)
      await bus.publish(subject, { id }, { delay, jobId: id });
    // Through the wire contract, as any NATS client may schedule: a subject jetbus's own publish
    // would not produce, carrying markup.
    const h = headers();
    h.set('Jetbus-Deliver-At', new Date(Date.now() + 4 * HOUR).toISOString());
    await t.js.publish(scheduledSubject('odd-1', HOSTILE), '{}', { headers: h });
  });
  afterAll(async () => producer?.close());

  const rowCount = (page: Page, n: number) =>
    waitFor(`${n} rows`, async () => (await page.locator('table.scheduled tbody tr').count()) === n, 10_000);
  const jobIds = async (page: Page) =>
    page.locator('table.scheduled tbody tr td:nth-child(4)').allInnerTexts();

  it('lists the jobs to a viewer, with no cancel', async () => {
    const page = await browser.newPage();
    await signIn(page, t.url, viewer);
    await page.getByRole('link', { name: 'Scheduled' }).click();
    await page.getByRole('heading', { name: 'Scheduled jobs' }).waitFor();
    await page.locator('table.scheduled').waitFor();
    expect(await jobIds(page)).toEqual(['ship-1', 'ship-2', 'bill-1', 'odd-1']);
    expect(await page.getByText('4 waiting (all subjects)').count()).toBe(1);
    const first = await page.locator('table.scheduled tbody tr').first().locator('td').allInnerTexts();
    expect(first[1]).toMatch(/^in 59 min \d+ s$/);
    expect(first[2]).toBe('ship.created');
    expect(await page.getByRole('button', { name: /Cancel/ }).count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Cancel a job' }).count()).toBe(0);
    await page.getByText('Cancelling needs the operator role.', { exact: false }).waitFor();
  });

  it('shows an untrusted subject as text', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signIn(page, t.url, viewer);
    await page.goto(`${t.url}/#/scheduled`);
    await page.locator('table.scheduled').waitFor();
    const row = page.locator('table.scheduled tbody tr').filter({ hasText: 'odd-1' });
    expect(await row.locator('td').nth(2).innerText()).toBe(HOSTILE);
    expect(await page.locator('table.scheduled img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('filters by subject and cancels a job for an operator after "cancel" is typed', async () => {
    const page = await browser.newPage();
    await signIn(page, t.url, operator);
    await page.goto(`${t.url}/#/scheduled`);
    await page.locator('table.scheduled').waitFor();

    const filter = page.getByRole('form', { name: 'Scheduled jobs filter' });
    await filter.getByLabel('Subject').fill('ship.*');
    await filter.getByLabel('Subject').press('Enter');
    await rowCount(page, 3);
    expect(await jobIds(page)).toEqual(['ship-1', 'ship-2', 'odd-1']);

    await page.getByRole('button', { name: 'Cancel job ship-2' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel scheduled job' });
    await dialog.getByText('will never be released').waitFor();
    const confirm = dialog.getByRole('button', { name: 'Cancel job' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('confirmation').fill('cancel');
    await browser.screenshot(page, 'scheduled-cancel-confirm');
    await confirm.click();
    await page.getByRole('status').filter({ hasText: 'Job ship-2 cancelled' }).waitFor();
    await rowCount(page, 2);
    expect(await jobIds(page)).toEqual(['ship-1', 'odd-1']);
    expect((await bus.listScheduled()).jobs.map((j) => j.jobId)).toEqual(['ship-1', 'bill-1', 'odd-1']);

    await filter.getByLabel('Subject').fill('');
    await filter.getByLabel('Subject').press('Enter');
    await rowCount(page, 3);
    await browser.screenshot(page, 'scheduled-page');
    expect(browser.problems).toEqual([]);
  });

  it('cancels any job by id for an operator: a scheduled one is cancelled, another one requested', async () => {
    const page = await browser.newPage();
    await signIn(page, t.url, operator);
    await page.goto(`${t.url}/#/scheduled`);
    await rowCount(page, 3);
    const form = page.getByRole('form', { name: 'Cancel a job' });
    const open = form.getByRole('button', { name: 'Cancel job…' });
    const dialog = page.getByRole('dialog', { name: 'Cancel a job' });
    const status = page.locator('.cancel-job').getByRole('status');
    const cancelById = async (jobId: string) => {
      await form.getByLabel('Job id').fill(jobId);
      await open.click();
      await dialog.getByLabel('confirmation').fill('cancel');
      await dialog.getByRole('button', { name: 'Cancel job' }).click();
    };
    expect(await open.isDisabled()).toBe(true);

    // Still scheduled: cancelled before its release, and gone from the list above.
    await cancelById('bill-1');
    await status
      .filter({ hasText: 'Job bill-1: cancelled. It was scheduled and will never be released.' })
      .waitFor();
    await rowCount(page, 2);
    expect((await bus.listScheduled()).jobs.map((j) => j.jobId)).toEqual(['ship-1', 'odd-1']);

    // Not scheduled (queued, running, or unknown: jetbus cannot tell): the request is recorded.
    await cancelById('export-9');
    await status
      .filter({ hasText: 'Job export-9: requested. Workers with cancellation on term it' })
      .waitFor();
    await browser.screenshot(page, 'scheduled-cancel-by-id');
    const kv = await new Kvm(t.js).open(CANCELLED_BUCKET);
    expect(JSON.parse((await kv.get('export-9'))!.string())).toMatchObject({
      jobId: 'export-9',
      state: 'requested',
    });

    // A bad id: the server's refusal shows in the dialog, which stays open; Esc leaves it.
    await cancelById('not an id');
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'jobId must be 1 to 128 letters, digits, "-" or "_", or <stream>:<seq>',
    );
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    const log = await t
      .api('admin')
      .get<{ items: { target: string; actor: string; result: string }[] }>('/api/audit?action=job.cancel');
    expect(log.body.items.map((e) => [e.target, e.actor, e.result])).toEqual([
      ['export-9', 'ui-operator', 'ok'],
      ['bill-1', 'ui-operator', 'ok'],
    ]);
    expect(browser.problems).toEqual([]);
  });

  it('shows a running job that a worker aborted as cancelled, with how and by which handler', async () => {
    const worker = await startJetbusApp(
      {
        servers: t.server.url,
        name: 'ui-worker',
        logger: false,
        heartbeat: false,
        cancellation: {},
        streams: [{ name: 'UIRUN', subjects: ['uirun.>'], retention: 'limits' }],
      },
      [LongJobs],
    );
    try {
      await worker.get(JetbusClient).publish('uirun.export', { id: 'run-1' }, { jobId: 'run-1' });
      await waitFor('run-1 running', () => running.has('run-1'), 10_000);
      const page = await browser.newPage();
      await signIn(page, t.url, operator);
      await page.goto(`${t.url}/#/scheduled`);
      const form = page.getByRole('form', { name: 'Cancel a job' });
      const dialog = page.getByRole('dialog', { name: 'Cancel a job' });
      const status = page.locator('.cancel-job').getByRole('status');
      const cancelById = async (jobId: string) => {
        await form.getByLabel('Job id').fill(jobId);
        await form.getByRole('button', { name: 'Cancel job…' }).click();
        await dialog.getByLabel('confirmation').fill('cancel');
        await dialog.getByRole('button', { name: 'Cancel job' }).click();
      };

      await cancelById('run-1');
      await status.filter({ hasText: 'Job run-1: requested.' }).waitFor();
      await waitFor('run-1 aborted', () => !running.has('run-1'), 10_000);
      const kv = await new Kvm(t.js).open(CANCELLED_BUCKET);
      await waitFor('the outcome recorded', async () => {
        const entry = await kv.get('run-1');
        return entry?.operation === 'PUT' && entry.json<{ state: string }>().state === 'cancelled';
      });
      // A repeat reports what holds now: the worker's outcome.
      await cancelById('run-1');
      await status
        .filter({ hasText: 'Job run-1: cancelled. A worker aborted it while it was running (LongJobs.run).' })
        .waitFor();
      await browser.screenshot(page, 'scheduled-cancel-running');
      expect(browser.problems).toEqual([]);
    } finally {
      await worker.close();
    }
  });
});
