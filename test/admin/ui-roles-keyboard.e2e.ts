import { AckPolicy } from '@nats-io/jetstream';
import { useBrowser } from '../support/browser';
import { useAdmin } from '../support/use-admin';
import { waitFor } from '../support/wait-for';
import { buildWebUi, endSession, signIn, uiUser } from './ui-support';

/*
 * The UI shows each role only what it may do (the server enforces it anyway), asks for the stream's
 * name before a destructive action, is usable from the keyboard, and returns to the login page
 * whenever the session is gone.
 */

const viewer = uiUser('viewer');
const admin = uiUser('admin');

describe('admin web UI: roles, confirmations, keyboard and expired sessions', () => {
  const t = useAdmin({ users: [viewer.options, admin.options] });
  const browser = useBrowser();

  beforeAll(async () => {
    buildWebUi();
    await t.jsm.streams.add({ name: 'UIDOOMED', subjects: ['uidoomed.>'] });
    await t.js.publish('uidoomed.a', 'one');
  });

  it('hides what a viewer cannot do', async () => {
    const page = await browser.newPage();
    await signIn(page, t.url, viewer);
    expect(await page.locator('.who').innerText()).toBe('ui-viewer\nviewer\nSign out');
    await page.goto(`${t.url}/#/streams`);
    await page.getByRole('link', { name: 'UIDOOMED' }).waitFor();
    expect(await page.getByRole('button', { name: 'New stream' }).count()).toBe(0);
    await page.getByRole('link', { name: 'UIDOOMED' }).click();
    await page.getByRole('heading', { name: 'UIDOOMED' }).waitFor();
    expect(await page.getByRole('button', { name: /Purge|Delete/ }).count()).toBe(0);
    await page.goto(`${t.url}/#/dead-letters`);
    await page.getByText('Replaying and purging need the operator role.').waitFor();
    expect(await page.getByRole('button', { name: /Replay|Purge/ }).count()).toBe(0);
    await browser.screenshot(page, 'viewer-dead-letters');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('User name').waitFor();
  });

  it("shows the server's refusal in the form and keeps it open", async () => {
    const page = await browser.newPage();
    await signIn(page, t.url, admin);
    await page.goto(`${t.url}/#/streams`);
    await page.getByRole('button', { name: 'New stream' }).click();
    const form = page.getByRole('form', { name: 'New stream' });
    await form.getByLabel('Name').fill('UIDOOMED');
    await form.getByLabel(/^Subjects/).fill('elsewhere.>');
    await form.getByLabel('Name').press('Enter');
    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('stream name already in use with a different configuration');
    await browser.screenshot(page, 'stream-create-refused');
    expect((await t.jsm.streams.info('UIDOOMED')).config.subjects).toEqual(['uidoomed.>']);
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
  });

  it('deletes a consumer after its name is typed', async () => {
    await t.jsm.consumers.add('UIDOOMED', {
      durable_name: 'uidoomed_reader',
      ack_policy: AckPolicy.Explicit,
    });
    const page = await browser.newPage();
    await signIn(page, t.url, admin);
    await page.goto(`${t.url}/#/streams/UIDOOMED`);
    await page.getByRole('button', { name: 'Delete consumer uidoomed_reader' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete consumer uidoomed_reader' });
    await dialog.getByLabel('confirmation').fill('uidoomed_reader');
    await dialog.getByRole('button', { name: 'Delete consumer' }).click();
    await page.getByText('No consumers.').waitFor();
    await expect(t.jsm.consumers.info('UIDOOMED', 'uidoomed_reader')).rejects.toThrow(/consumer not found/);
  });

  it('purges one subject of a stream after its name is typed', async () => {
    await t.js.publish('uidoomed.b', 'two');
    await t.js.publish('uidoomed.b', 'three');
    const page = await browser.newPage();
    await signIn(page, t.url, admin);
    await page.goto(`${t.url}/#/streams/UIDOOMED`);
    await page.getByRole('button', { name: 'Purge…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Purge UIDOOMED' });
    await dialog.getByLabel('Only this subject (optional)').fill('uidoomed.b');
    await dialog.getByLabel('confirmation').fill('UIDOOMED');
    await dialog.getByRole('button', { name: 'Purge messages' }).click();
    expect(await page.getByRole('status').textContent()).toBe('Purged 2 messages.');
    const info = await t.jsm.streams.info('UIDOOMED');
    expect([info.state.messages, info.state.last_seq]).toEqual([1, 3]);
  });

  it('deletes a stream only after its name is typed, from the keyboard', async () => {
    const page = await browser.newPage();
    await signIn(page, t.url, admin);
    await page.goto(`${t.url}/#/streams/UIDOOMED`);
    await page.getByRole('heading', { name: 'UIDOOMED' }).waitFor();
    await page.getByRole('button', { name: 'Delete…' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Delete UIDOOMED' });
    const confirm = dialog.getByRole('button', { name: 'Delete stream' });
    expect(await confirm.isDisabled()).toBe(true);
    await waitFor(
      'the dialog open with its input focused',
      async () =>
        (await page.evaluate("document.activeElement?.getAttribute('aria-label')")) === 'confirmation',
    );
    // Esc closes without doing anything.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await t.jsm.streams.info('UIDOOMED')).state.messages).toBe(1);

    await page.getByRole('button', { name: 'Delete…' }).click();
    // The dialog focuses its input itself once open; typing starts there.
    await waitFor(
      'the confirmation input focused',
      async () =>
        (await page.evaluate("document.activeElement?.getAttribute('aria-label')")) === 'confirmation',
    );
    await page.keyboard.type('UIDOOME');
    expect(await confirm.isDisabled()).toBe(true);
    await page.keyboard.type('D');
    // Preact renders the typed state on its next tick.
    await waitFor('the confirm button enabled', () => confirm.isEnabled());
    await browser.screenshot(page, 'stream-delete-confirm');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Streams' }).waitFor();
    await expect(t.jsm.streams.info('UIDOOMED')).rejects.toThrow(/stream not found/);
    const log = await t
      .api('admin')
      .get<{ items: { action: string; target: string; actor: string }[] }>('/api/audit?action=stream.delete');
    expect(log.body.items.map((e) => [e.action, e.target, e.actor])).toEqual([
      ['stream.delete', 'UIDOOMED', 'ui-admin'],
    ]);
  });

  it('shows where the keyboard focus is on every control it reaches with Tab', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/#/dead-letters`);
    await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
    const seen: string[] = [];
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press('Tab');
      const focus = (await page.evaluate(`(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return { tag: el.tagName, label: el.getAttribute('aria-label') || el.getAttribute('name') || el.textContent.trim().slice(0, 20), outline: style.outlineStyle, width: style.outlineWidth };
      })()`)) as { tag: string; label: string; outline: string; width: string };
      seen.push(focus.label);
      expect([focus.label, focus.outline, focus.width]).toEqual([focus.label, 'solid', '3px']);
    }
    // The skip button, the brand, the seven pages, the user's sign-out, then the search form.
    expect(seen.slice(0, 11)).toEqual([
      'Skip to content',
      '▲jetbus admin',
      'Dashboard',
      'Streams',
      'Dead letters',
      'Scheduled',
      'Periodic',
      'Workers',
      'Audit log',
      'Sign out',
      'q',
    ]);
    await browser.screenshot(page, 'keyboard-focus');
  });

  it('offers single sign-on when the server says so, and only ever links to this origin', async () => {
    const page = await browser.newPage();
    await endSession(page, t.url);
    // Only the providers answer is replaced (OIDC needs an identity provider): the rest is the real app.
    const answer = (loginUrl: string) => ({
      password: true,
      oidc: { label: 'Sign in with Acme SSO', loginUrl },
    });
    await page.route('**/api/auth/providers', (route) => route.fulfill({ json: answer('/auth/oidc/login') }));
    await page.goto(`${t.url}/#/`);
    const sso = page.getByRole('link', { name: 'Sign in with Acme SSO' });
    await sso.waitFor();
    expect(await sso.getAttribute('href')).toBe('/auth/oidc/login');
    await browser.screenshot(page, 'login-oidc');
    await page.unroute('**/api/auth/providers');
    await page.route('**/api/auth/providers', (route) =>
      route.fulfill({ json: answer('javascript:alert(1)') }),
    );
    await page.reload();
    await sso.waitFor();
    expect(await sso.getAttribute('href')).toBe('/auth/oidc/login');
    await page.unroute('**/api/auth/providers');
  });

  it('follows a hash change made while the app is still starting', async () => {
    const page = await browser.newPage();
    await signIn(page, t.url, admin);
    // The moment the dashboard is in the DOM (a microtask after Preact's commit, before its effects,
    // which run after the next paint), the hash changes: as a test's `goto` or a quick click can.
    await page.addInitScript(`new MutationObserver((_, seen) => {
      if ([...document.querySelectorAll('h1')].some((h) => h.textContent === 'Dashboard')) {
        seen.disconnect();
        location.hash = '#/workers';
      }
    }).observe(document, { childList: true, subtree: true });`);
    await page.reload();
    await page.getByRole('heading', { name: 'Workers' }).waitFor({ timeout: 10_000 });
    expect(browser.problems).toEqual([]);
  });

  it('goes back to the login page when the session has ended', async () => {
    const page = await browser.newPage();
    await signIn(page, t.url, admin);
    await page.goto(`${t.url}/#/workers`);
    await page.getByRole('heading', { name: 'Workers' }).waitFor();
    // Ended on the server, as when it expires or the user signs out in another tab.
    await endSession(page, t.url);
    // Whichever call comes first (this navigation or the page's 5 s poll) meets the 401.
    await page.evaluate("location.hash = '#/streams'");
    await page.getByText('Your session has ended. Sign in again.').waitFor();
    expect(await page.getByLabel('User name').isVisible()).toBe(true);
    expect(browser.problems).toEqual([]);
  });
});
