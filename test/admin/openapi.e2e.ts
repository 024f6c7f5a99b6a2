import { useBrowser } from '../support/browser';
import { useAdmin } from '../support/use-admin';

interface OpenApi {
  info: { title: string };
  paths: Record<string, Record<string, unknown>>;
  components: { securitySchemes: Record<string, unknown> };
}

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Express `/api/streams/:name` as OpenAPI writes it: `/api/streams/{name}`. */
const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

describe('OpenAPI', () => {
  const t = useAdmin();

  it('serves the document at /api/docs-json, publicly, with both ways to authenticate', async () => {
    const res = await t.anonymous.get<OpenApi>('/api/docs-json');
    expect(res.status).toBe(200);
    expect(res.body.info.title).toBe('jetbus admin API');
    expect(Object.keys(res.body.components.securitySchemes).sort()).toEqual(['bearer', 'cookie']);
  });

  it('documents every route the app serves, with its method', async () => {
    const { body } = await t.anonymous.get<OpenApi>('/api/docs-json');
    const express = t.admin.app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
    const routes = express.router.stack
      .flatMap((layer) => (layer.route ? [layer.route] : []))
      // Swagger's own pages, and the web UI's static pages, are not API operations.
      .filter(
        (r) =>
          !r.path.startsWith('/api/docs') &&
          (r.path.startsWith('/api/') || ['/health', '/metrics'].includes(r.path)),
      )
      .flatMap((r) => Object.keys(r.methods).map((m) => `${m.toUpperCase()} ${openApiPath(r.path)}`));
    const documented = Object.entries(body.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((r) => !documented.includes(r))).toEqual([]);
    for (const mine of [
      'GET /api/audit',
      'GET /api/audit/export',
      'GET /api/workers',
      'GET /api/overview',
      'GET /api/metrics/timeline',
      'GET /health',
      'GET /metrics',
    ]) {
      expect(documented).toContain(mine);
    }
  });

  it('serves Swagger UI under a CSP that allows inline styles there and nowhere else, never inline scripts', async () => {
    const page = await t.anonymous.get('/api/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui-init.js');
    expect(page.text).not.toMatch(/<script>(?!\s*<\/script>)/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    const init = await t.anonymous.get('/api/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);

    const api = await t.anonymous.get('/api/workers');
    expect(api.headers.get('content-security-policy')).toContain("style-src 'self';");
  });
});

describe('Swagger UI in a browser', () => {
  const t = useAdmin();
  const browser = useBrowser();

  it('renders every tag under its CSP with no violation', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/api/docs`);
    await page.locator('.opblock-tag-section').first().waitFor();
    const tags = await page.locator('.opblock-tag').allTextContents();
    for (const tag of ['audit', 'workers', 'overview', 'metrics', 'health']) {
      expect(tags.some((text) => text.startsWith(tag))).toBe(true);
    }
    // Styles applied: the inline <style> block is allowed here (it hides the SVG sprite).
    const svg = await page
      .locator('body > svg')
      .first()
      .evaluate(
        // Runs in the page; the repository's TypeScript has no DOM library, so the window is typed here.
        (e) =>
          (globalThis as unknown as { getComputedStyle(el: unknown): { position: string } }).getComputedStyle(
            e,
          ).position,
      );
    expect(svg).toBe('absolute');
    await browser.screenshot(page, 'swagger-ui');
    expect(browser.problems).toEqual([]);
  });
});
