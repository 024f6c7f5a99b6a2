import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { headers } from '@nats-io/transport-node';
import { DeadLetterHeaders as H, JobHandler, NonRetryableError, Payload } from '@jetbus/core';
import { type Page } from 'playwright-core';
import { useBrowser } from '../support/browser';
import { startJetbusApp } from '../support/jetbus-app';
import { useAdmin } from '../support/use-admin';
import { waitFor } from '../support/wait-for';
import { buildWebUi, signIn, uiUser } from './ui-support';

/*
 * Hostile strings reach the UI from anyone who can publish: payloads, subject tokens, headers and
 * error texts. Every page that shows them must show them as text — no element created from them,
 * no script run, no dialog — with ESC and other control characters made visible.
 */

const SCRIPT = '<script>window.__xss=1</script>';
const IMG = '<img src=x onerror=window.__xss=1>';
const ESC = '\u001b[31mred\u001b[0m';
/** How the UI shows ESC: as the six characters `\u001b`. */
const ESC_SHOWN = '\\u001b[31mred\\u001b[0m';
/** A right-to-left override: it makes the text after it read backwards ("Trojan Source"). */
const BIDI = '\u202e';
/** The worker's dead-letter writer already escapes it in the (single-line) error header, as `\x1b`. */
const ESC_ESCAPED = '\\x1b[31mred\\x1b[0m';
/** The refused job's error, exactly as stored and shown. */
const REFUSED = `NonRetryableError: refused ${SCRIPT} ${IMG} ${ESC_ESCAPED}`;

@Injectable()
class RefusingJobs {
  @JobHandler('uixss.run', { maxAttempts: 1 })
  run(@Payload() job: { note: string }): void {
    throw new NonRetryableError(`refused ${job.note}`);
  }
}

const admin = uiUser('admin');

describe('admin web UI renders hostile strings inert', () => {
  let worker: INestApplicationContext | undefined;
  // Before useAdmin: afterAll hooks run in order, and the worker must close before the server.
  afterAll(async () => {
    await worker?.close();
  });
  const t = useAdmin({ users: [admin.options] });
  const browser = useBrowser();
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    buildWebUi();
    worker = await startJetbusApp(
      {
        name: 'uixss',
        servers: t.server.url,
        logger: false,
        streams: [{ name: 'UIXSS', subjects: ['uixss.>'] }],
      },
      [RefusingJobs],
    );
    // A job whose payload and header carry the strings, refused with an error that repeats them.
    const h = headers();
    h.set('X-Note', `${IMG} ${ESC}`);
    await t.js.publish('uixss.run', JSON.stringify({ note: `${SCRIPT} ${IMG} ${ESC}` }), { headers: h });
    // A dead letter as a foreign writer could store it: its original subject has a hostile token.
    const d = headers();
    d.set(H.Subject, `uixss.${SCRIPT}`);
    d.set(H.Stream, 'UIXSS');
    d.set(H.Seq, '99');
    d.set(H.Consumer, 'uixss_uixss-run');
    d.set(H.Attempts, '1');
    d.set(H.Reason, 'error');
    d.set(H.ErrorClass, 'Error');
    d.set(H.ErrorMessage, `${IMG} ${ESC}`);
    d.set(H.FailedAt, new Date().toISOString());
    await waitFor('the refused job dead-lettered', async () => {
      const info = await t.jsm.streams.info('JETBUS_DLQ').catch(() => undefined);
      return info?.state.messages === 1;
    });
    await t.js.publish(`dlq.uixss.${SCRIPT}`, SCRIPT, { headers: d });
    // One whose subject no stream captures: replay refuses it with an error that quotes the subject.
    d.set(H.Subject, `nowhere.${BIDI}${ESC}`);
    d.set(H.Seq, '100');
    await t.js.publish(`dlq.nowhere.${BIDI}${ESC}`, SCRIPT, { headers: d });
    // A raw message on a hostile subject, for the stream's message browser.
    await t.js.publish(`uixss.raw.${SCRIPT}`, `${IMG}\n${ESC}`, { headers: h });

    page = await browser.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signIn(page, t.url, admin);
  });

  /** Nothing ran and nothing was built from the strings: one script (ours), no image, no flag. */
  async function expectInert(): Promise<void> {
    const state = await page.evaluate(
      `({ xss: typeof window.__xss, scripts: document.scripts.length, images: document.images.length })`,
    );
    expect(state).toEqual({ xss: 'undefined', scripts: 1, images: 0 });
    expect(dialogs).toEqual([]);
  }

  /** The text of the page (all of it, dialogs included). */
  const text = () => page.evaluate('document.body.innerText') as Promise<string>;

  it('the dead letters list', async () => {
    await page.goto(`${t.url}/#/dead-letters`);
    await page.locator('[data-testid="dl-total"], p.error').first().waitFor();
    await browser.screenshot(page, 'xss-dead-letters');
    await page.getByText(`uixss.${SCRIPT}`).waitFor();
    const shown = await text();
    expect(shown).toContain(REFUSED);
    expect(shown).toContain(`Error: ${IMG} ${ESC_SHOWN}`);
    expect(shown).not.toContain('\u001b');
    await browser.screenshot(page, 'xss-dead-letters');
    await expectInert();
  });

  it('the dead letter drawer of the refused job: error, payload, headers', async () => {
    await page
      .getByRole('row', { name: /refused/ })
      .getByRole('button', { name: /^Open dead letter/ })
      .click();
    const drawer = page.getByRole('dialog', { name: /^Dead letter/ });
    await drawer.getByTestId('dl-error').waitFor();
    expect(await drawer.getByTestId('dl-error').textContent()).toBe(REFUSED);
    const shown = await drawer.innerText();
    expect(shown).toContain(`"note": "${SCRIPT} ${IMG} \\u001b[31mred\\u001b[0m"`);
    expect(shown).toContain(`${IMG} ${ESC_SHOWN}`);
    expect(shown).not.toContain('\u001b');
    await browser.screenshot(page, 'xss-dead-letter-detail');
    await expectInert();
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
  });

  it('the dead letter drawer of the forged entry: hostile original subject', async () => {
    await page
      .getByRole('row', { name: /uixss\.<script>/ })
      .getByRole('button', { name: /^Open dead letter/ })
      .click();
    const drawer = page.getByRole('dialog', { name: /^Dead letter/ });
    await drawer.getByTestId('dl-error').waitFor();
    expect(await drawer.innerText()).toContain(`uixss.${SCRIPT}`);
    await expectInert();
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
  });

  it('the error of a refused replay, which quotes the hostile subject', async () => {
    await page
      .getByRole('row', { name: /nowhere\./ })
      .getByRole('button', { name: /^Open dead letter/ })
      .click();
    const drawer = page.getByRole('dialog', { name: /^Dead letter/ });
    await drawer.getByRole('button', { name: 'Replay', exact: true }).click();
    const error = drawer.getByRole('alert');
    await error.waitFor();
    const shown = (await error.textContent()) ?? '';
    expect(shown).toContain(`captures subject "nowhere.\\u202e${ESC_SHOWN}"`);
    expect(shown).not.toContain('\u001b');
    expect(shown).not.toContain(BIDI);
    await expectInert();
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
  });

  it('the audit log, with an edit-and-replay whose payload is hostile', async () => {
    const list = await t
      .api('operator')
      .get<{ items: { seq: number; error: string }[] }>('/api/dead-letters?q=refused');
    const seq = list.body.items[0].seq;
    const res = await t.api('operator').post(`/api/dead-letters/${seq}/edit-replay`, {
      payload: JSON.stringify({ note: `${SCRIPT}${IMG}${ESC}` }),
    });
    expect(res.status).toBe(200);
    await page.goto(`${t.url}/#/audit`);
    await page.getByText('dlq.edit-replay', { exact: true }).first().waitFor();
    await page.locator('td.details summary').first().click();
    expect(await text()).toContain(SCRIPT);
    await browser.screenshot(page, 'xss-audit');
    await expectInert();
  });

  it('the streams list, the dashboard and the workers page', async () => {
    for (const route of ['#/streams', '#/', '#/workers']) {
      await page.goto(`${t.url}/${route}`);
      await page.locator('main h1').waitFor();
      await expectInert();
    }
  });

  it('the message browser and message detail of the stream', async () => {
    await page.goto(`${t.url}/#/streams/UIXSS`);
    await page.getByText(`uixss.raw.${SCRIPT}`).waitFor();
    await page
      .getByRole('row', { name: /uixss\.raw/ })
      .getByRole('button', { name: /^Open message/ })
      .click();
    const drawer = page.getByRole('dialog', { name: /^Message/ });
    await drawer.locator('pre').waitFor();
    const shown = await drawer.innerText();
    expect(shown).toContain(`uixss.raw.${SCRIPT}`);
    expect(shown).toContain(`${IMG} ${ESC_SHOWN}`);
    await browser.screenshot(page, 'xss-message-detail');
    await expectInert();
    expect(browser.problems).toEqual([]);
  });
});
