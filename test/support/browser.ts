import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`; scripts/bootstrap.sh `ensure_chromium`). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where browser tests save their screenshots (gitignored). */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-artifacts', 'admin-ui');

/** Flags for a quiet, hermetic headless run: no network but the app, no first-run, no GPU. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserFixture {
  /** A page of the one browser profile (cookies are shared: sign out to switch users). */
  newPage(): Promise<Page>;
  /** Saves a full-page screenshot as `test-artifacts/admin-ui/<name>.png`; returns the path. */
  screenshot(page: Page, name: string): Promise<string>;
  /** Console errors (CSP violations land here) and uncaught page errors seen so far. */
  readonly problems: string[];
}

/**
 * Launches chromium for one `describe` with a fresh temporary profile (`--user-data-dir`), and closes
 * it (and removes the profile) in `afterAll`. Pages are 1366×768, the laptop the UI is designed for.
 */
export function useBrowser(): BrowserFixture {
  let context: BrowserContext | undefined;
  let browser: Browser | undefined;
  let profile: string | undefined;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`no chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    }
    profile = mkdtempSync(join(tmpdir(), 'jetbus-chromium-'));
    // A persistent context is how playwright passes a fresh --user-data-dir.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ARGS,
      viewport: { width: 1366, height: 768 },
    });
    browser = context.browser() ?? undefined;
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close().catch(() => undefined);
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const watch = (page: Page): Page => {
    page.on('console', (m) => {
      // An HTTP error answer is the UI's business (it shows it); a CSP refusal or a script error is a bug.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
        problems.push(`console: ${m.text()}`);
      }
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    return page;
  };

  return {
    async newPage() {
      if (!context) throw new Error('the browser is used before beforeAll ran (or after it failed)');
      const blank = context.pages().find((p) => p.url() === 'about:blank');
      return watch(blank ?? (await context.newPage()));
    },
    async screenshot(page, name) {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      // From the top: a scrolled full-page capture paints the sticky top bar mid-page.
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    problems,
  };
}
