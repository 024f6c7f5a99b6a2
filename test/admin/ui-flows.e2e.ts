import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { headers } from '@nats-io/transport-node';
import { JobHandler, NonRetryableError, Payload } from '@jetbus/core';
import { type StoredAuditEntry } from '@jetbus/admin';
import { useBrowser } from '../support/browser';
import { startJetbusApp, uniqueName } from '../support/jetbus-app';
import { useAdmin } from '../support/use-admin';
import { waitFor } from '../support/wait-for';
import { buildWebUi, signIn, uiUser } from './ui-support';

/*
 * The web UI in a real chromium against a real nats-server, the admin app and a worker: an
 * operator's day — sign in, read the dashboard, create a stream, find a dead letter by its error,
 * fix its payload and replay it, watch the worker run it, and find both actions in the audit log.
 */

interface Charge {
  order: string;
  card: string;
}

/** Every payload the worker completed, in order. */
const processed: Charge[] = [];

@Injectable()
class ChargeJobs {
  @JobHandler('uicharge.run', { maxAttempts: 1 })
  run(@Payload() job: Charge): void {
    // An expired card can never succeed: dead-letter at once, with a searchable error text.
    if (job.card === 'expired') throw new NonRetryableError(`card declined for ${job.order}: expired`);
    processed.push(job);
  }
}

const admin = uiUser('admin');

const tenantHeaders = (tenant: string) => {
  const h = headers();
  h.set('X-Tenant', tenant);
  return h;
};

describe('admin web UI: an operator fixes a dead letter', () => {
  let worker: INestApplicationContext | undefined;
  // Declared before useAdmin: jest runs afterAll hooks in order, and the worker must close before the server.
  afterAll(async () => {
    await worker?.close();
  });
  const t = useAdmin({ users: [admin.options] });
  const browser = useBrowser();
  const created = uniqueName('UIORDERS');

  beforeAll(async () => {
    buildWebUi();
    worker = await startJetbusApp(
      {
        name: 'uiworker',
        servers: t.server.url,
        logger: false,
        streams: [{ name: 'UICHARGE', subjects: ['uicharge.>'] }],
        heartbeat: { interval: 250 },
      },
      [ChargeJobs],
    );
    await t.js.publish('uicharge.run', JSON.stringify({ order: 'A-1', card: 'valid' }));
    await t.js.publish('uicharge.run', JSON.stringify({ order: 'B-2', card: 'expired' }));
    await waitFor('one job done', () => processed.length === 1);
    await waitFor(
      'one dead letter',
      async () => (await t.jsm.streams.info('JETBUS_DLQ')).state.messages === 1,
    );
  });

  it('signs in and shows live numbers on the dashboard', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/#/`);
    await page.getByRole('heading', { name: 'jetbus admin' }).waitFor();
    await browser.screenshot(page, 'login');

    await page.getByLabel('User name').fill(admin.name);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('Wrong user name or password.');

    await signIn(page, t.url, admin);
    const stat = (label: string) => page.locator('.stat', { hasText: label }).locator('.stat-value');
    await waitFor('the worker counted', async () => (await stat('Workers').textContent()) === '1');
    expect(await stat('Dead letters').textContent()).toBe('1');
    // Both jobs ran once: one completed, one failed for good.
    const handler = page.locator('tr', { has: page.getByTestId('processed-ChargeJobs.run') });
    await handler.waitFor();
    expect(await handler.locator('td').allTextContents()).toEqual([
      'ChargeJobs.run',
      'uicharge.run',
      '2',
      '1',
      '0',
      '1',
      '0',
    ]);
    await page.locator('canvas').first().waitFor();
    await browser.screenshot(page, 'dashboard');
  });

  it('creates a stream with the form and browses it', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/#/streams`);
    await page.getByRole('button', { name: 'New stream' }).click();
    const form = page.getByRole('form', { name: 'New stream' });
    await form.getByLabel('Name').fill(created);
    await form.getByLabel(/^Subjects/).fill('uiorders.>');
    await form.getByLabel('Max age').fill('7d');
    await browser.screenshot(page, 'stream-create');
    await form.getByLabel('Name').press('Enter');
    await page.getByRole('link', { name: created }).waitFor();
    const info = await t.jsm.streams.info(created);
    expect(info.config.subjects).toEqual(['uiorders.>']);
    expect(info.config.max_age).toBe(7 * 24 * 3600 * 1e9);
    await browser.screenshot(page, 'streams');

    await t.js.publish('uiorders.placed', JSON.stringify({ order: 'C-3', total: 12.5 }), {
      headers: tenantHeaders('acme'),
    });
    await page.getByRole('link', { name: created }).click();
    await page.getByRole('heading', { name: created }).waitFor();
    await page.getByRole('button', { name: 'Open message 1' }).click();
    const drawer = page.getByRole('dialog', { name: 'Message 1' });
    await drawer.getByText('X-Tenant').waitFor();
    expect(await drawer.locator('pre').textContent()).toContain('"order": "C-3"');
    await browser.screenshot(page, 'message-detail');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    await browser.screenshot(page, 'stream-detail');

    // The worker's stream: its consumer with exact figures (both jobs settled, one redelivery-free run each).
    await page.goto(`${t.url}/#/streams/UICHARGE`);
    const consumer = page.getByRole('row', { name: /uiworker_uicharge-run/ });
    await consumer.waitFor();
    const cells = await consumer.locator('td').allTextContents();
    expect(cells.slice(0, 4)).toEqual(['uiworker_uicharge-runuicharge.run', '0', '0', '0']);
    await browser.screenshot(page, 'stream-consumers');
  });

  it('pages through a stream, filters by subject and shows payloads as hex', async () => {
    for (let n = 2; n <= 25; n++) {
      await t.js.publish(n % 5 === 0 ? 'uiorders.cancelled' : 'uiorders.placed', JSON.stringify({ n }));
    }
    const page = await browser.newPage();
    await page.goto(`${t.url}/#/streams/${created}`);
    const filter = page.getByRole('form', { name: 'Message filter' });
    // First the default page (50): all 25, then 20 per page.
    await page.getByRole('button', { name: 'Open message 25', exact: true }).waitFor();
    await filter.getByLabel('Per page').selectOption('20');
    await filter.getByRole('button', { name: 'Show' }).click();
    const seqs = () => page.locator('.browser tbody td:first-child').allTextContents();
    await page.getByRole('button', { name: 'Open message 21', exact: true }).waitFor({ state: 'detached' });
    expect(await seqs()).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
    await page.getByRole('button', { name: 'Next →' }).click();
    await page.getByRole('button', { name: 'Open message 25', exact: true }).waitFor();
    expect(await seqs()).toEqual(['21', '22', '23', '24', '25']);
    await page.getByRole('button', { name: '← Previous' }).click();
    await page.getByRole('button', { name: 'Open message 1', exact: true }).waitFor();

    await filter.getByLabel('Subject').fill('uiorders.cancelled');
    await filter.getByLabel('Format').selectOption('hex');
    await filter.getByLabel('Subject').press('Enter');
    await page.getByRole('button', { name: 'Open message 25', exact: true }).waitFor();
    expect(await seqs()).toEqual(['5', '10', '15', '20', '25']);
    await page.getByRole('button', { name: 'Open message 5', exact: true }).click();
    const drawer = page.getByRole('dialog', { name: 'Message 5' });
    // {"n":5} as a hex dump: 7b 22 6e 22 3a 35 7d.
    expect(await drawer.locator('.payload-meta .badge').first().textContent()).toBe('hex');
    expect((await drawer.locator('pre').textContent())?.replace(/\s+/g, ' ')).toContain(
      '7b 22 6e 22 3a 35 7d',
    );
    await browser.screenshot(page, 'message-hex');
  });

  it('switches the dashboard charts between time windows', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/#/`);
    const window6h = page.getByRole('button', { name: '6h' });
    await window6h.click();
    await page.locator('button[aria-pressed="true"]', { hasText: '6h' }).waitFor();
    expect(await page.getByRole('button', { name: '1h' }).getAttribute('aria-pressed')).toBe('false');
    expect(await page.locator('figure.chart canvas').count()).toBe(2);
  });

  it('finds the dead letter by its error text, edits its payload and replays it; the worker runs it', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/#/dead-letters`);
    await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
    await page.locator('body').press('/');
    await page.keyboard.type('card declined');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /^Open dead letter / }).waitFor();
    expect(await page.locator('.error-cell').allTextContents()).toEqual([
      'NonRetryableError: card declined for B-2: expired',
    ]);
    await browser.screenshot(page, 'dead-letters');

    await page.getByRole('button', { name: /^Open dead letter / }).click();
    const drawer = page.getByRole('dialog', { name: /^Dead letter / });
    await drawer.getByTestId('dl-error').waitFor();
    await browser.screenshot(page, 'dead-letter-detail');
    await drawer.getByRole('button', { name: 'Edit and replay…' }).click();
    const editor = drawer.getByLabel(/^Payload/);
    await editor.fill('{"order": "B-2", "card": "valid"');
    await drawer.getByText(/^Not valid JSON/).waitFor();
    expect(await drawer.getByRole('button', { name: 'Replay edited payload' }).isDisabled()).toBe(true);
    await editor.fill('{"order": "B-2", "card": "renewed"}');
    await browser.screenshot(page, 'dead-letter-edit');
    await drawer.getByRole('button', { name: 'Replay edited payload' }).click();
    // The dead letter is gone once its job is republished: the drawer closes and the page says so.
    await drawer.waitFor({ state: 'detached' });
    expect(await page.getByRole('status').textContent()).toMatch(
      /^Dead letter \d+ replayed with the edited payload\.$/,
    );

    await waitFor('the edited job ran', () => processed.length === 2);
    expect(processed).toEqual([
      { order: 'A-1', card: 'valid' },
      { order: 'B-2', card: 'renewed' },
    ]);
    await browser.screenshot(page, 'dead-letter-replayed');
  });

  it('shows the worker process with its counts', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/#/workers`);
    const cell = page.getByTestId('worker-processed-uiworker');
    // Three runs: A-1, B-2 refused, B-2 replayed with the renewed card.
    await waitFor(
      'the heartbeat with the replayed job',
      async () => (await cell.textContent()) === '3',
      15_000,
    );
    await browser.screenshot(page, 'workers');
  });

  it('lists both actions in the audit log', async () => {
    const audit = await readAudit();
    const mine = audit.filter((e) => e.actor === admin.name && e.action !== 'auth.login');
    expect(mine.map((e) => [e.action, e.target, e.result])).toEqual([
      ['stream.create', created, 'ok'],
      [expect.stringMatching(/edit/), expect.any(String), 'ok'],
    ]);
    const page = await browser.newPage();
    await page.goto(`${t.url}/#/audit`);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.locator('table.audit').waitFor();
    const actions = await page.locator('table.audit tbody tr td:nth-child(3)').allTextContents();
    for (const entry of mine) expect(actions).toContain(entry.action);
    await browser.screenshot(page, 'audit');
    // The export link downloads NDJSON with the session cookie: one line per entry, oldest or newest.
    const href = await page.getByRole('link', { name: 'Export NDJSON' }).getAttribute('href');
    const exported = await page.request.get(`${t.url}${href ?? ''}`);
    expect(exported.status()).toBe(200);
    expect(exported.headers()['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = (await exported.text()).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq).sort((a, b) => a - b)).toEqual(
      audit.map((e) => e.seq),
    );
    expect(browser.problems).toEqual([]);
  });

  it('filters the audit log by action and result; the export follows the filter', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/#/audit`);
    await page.locator('table.audit').waitFor();
    const filter = page.getByRole('form', { name: 'Audit filter' });
    const actions = () => page.locator('table.audit tbody tr td:nth-child(3)').allTextContents();
    await filter.getByLabel('Action').fill('stream.create');
    await filter.getByLabel('Result').selectOption('ok');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await waitFor('only the stream.create entry', async () => (await actions()).join() === 'stream.create');
    expect(await page.getByRole('link', { name: 'Export NDJSON' }).getAttribute('href')).toBe(
      '/api/audit/export?action=stream.create&result=ok',
    );
    await filter.getByLabel('Result').selectOption('error');
    await filter.getByLabel('Action').press('Enter');
    await page.getByText('No entries match.').waitFor();
    expect(browser.problems).toEqual([]);
  });

  async function readAudit(): Promise<StoredAuditEntry[]> {
    const info = await t.jsm.streams.info('JETBUS_AUDIT');
    const out: StoredAuditEntry[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await t.jsm.streams.getMessage('JETBUS_AUDIT', { seq });
      if (m) out.push({ ...m.json<Omit<StoredAuditEntry, 'seq'>>(), seq });
    }
    return out;
  }
});
