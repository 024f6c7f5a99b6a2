import { execFileSync } from 'node:child_process';
import { randomBytes, scryptSync } from 'node:crypto';
import { join } from 'node:path';
import { type AdminRole, type AdminUserOptions } from '@jetbus/admin';
import { type Page } from 'playwright-core';

/** Builds the UI bundle the app serves (apps/admin/dist/ui), as `npm run build` does. */
export function buildWebUi(): void {
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'apps', 'admin', 'scripts', 'build-web.mjs')], {
    stdio: 'inherit',
  });
}

/** A password user of `role` named `ui-<role>`; a cheap scrypt cost (N=2^14) keeps the suite fast. */
export function uiUser(role: AdminRole): { options: AdminUserOptions; name: string; password: string } {
  const password = `ui ${role} password`;
  const [N, r, p] = [2 ** 14, 8, 1];
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFC'), salt, 32, { N, r, p, maxmem: 64 * 1024 * 1024 });
  const name = `ui-${role}`;
  const passwordHash = `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  return { options: { name, role, passwordHash }, name, password };
}

/**
 * Ends whoever's session the browser holds, on the server (logout), then clears the cookies.
 * Clearing cookies alone races the pages earlier tests left open: the session is rolling, so a
 * reply they have in flight sets the cleared cookie again. A destroyed session stays ended.
 */
export async function endSession(page: Page, url: string): Promise<void> {
  const api = page.context().request;
  const session = await api.get(`${url}/api/auth/session`);
  if (session.ok()) {
    const { csrfToken } = (await session.json()) as { csrfToken: string };
    const out = await api.post(`${url}/api/auth/logout`, {
      headers: { 'x-csrf-token': csrfToken },
      data: {},
    });
    if (!out.ok()) throw new Error(`logout answered ${out.status()}: ${await out.text()}`);
  }
  await page.context().clearCookies();
}

/**
 * Signs in through the login form, with Enter (the keyboard path), and waits for the dashboard.
 * Whoever was signed in before is signed out (`endSession`), then a real page load (a `goto` that
 * only changes the hash would not reload the app).
 */
export async function signIn(
  page: Page,
  url: string,
  user: { name: string; password: string },
): Promise<void> {
  await endSession(page, url);
  await page.goto(`${url}/#/`);
  await page.reload();
  await page.getByLabel('User name').fill(user.name);
  await page.getByLabel('Password').fill(user.password);
  await page.getByLabel('Password').press('Enter');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}
