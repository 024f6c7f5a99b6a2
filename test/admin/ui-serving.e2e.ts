import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { useAdmin } from '../support/use-admin';
import { buildWebUi } from './ui-support';

const WEB = join(__dirname, '..', '..', 'apps', 'admin', 'web');

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : [path];
  });

describe('web UI files', () => {
  const t = useAdmin();
  beforeAll(() => buildWebUi());

  it('serves index.html at / to anyone, under the strict CSP, with no inline script or style', async () => {
    const res = await t.anonymous.get<string>('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.text.match(/<script[^>]*>/g)).toEqual(['<script defer src="assets/app.js">']);
    expect(res.text).not.toMatch(/<style|style=/);
  });

  it('serves the bundle, its stylesheet and icon with their content types', async () => {
    const types = await Promise.all(
      ['app.js', 'app.css', 'favicon.svg'].map(async (f) => {
        const res = await t.anonymous.get(`/assets/${f}`);
        return [f, res.status, res.headers.get('content-type')];
      }),
    );
    expect(types).toEqual([
      ['app.js', 200, 'text/javascript; charset=utf-8'],
      ['app.css', 200, 'text/css; charset=utf-8'],
      ['favicon.svg', 200, 'image/svg+xml'],
    ]);
  });

  it('serves nothing else: unknown names and path tricks are 404 JSON', async () => {
    for (const path of [
      '/assets/index.html',
      '/assets/nope.js',
      '/assets/..%2Fpackage.json',
      '/assets/app.js%00',
    ]) {
      const res = await t.anonymous.get<{ statusCode: number }>(path);
      expect([path, res.status, res.body.statusCode]).toEqual([path, 404, 404]);
    }
  });

  it('leaves the API alone: /api routes still answer 401 without credentials', async () => {
    expect((await t.anonymous.get('/api/streams')).status).toBe(401);
  });

  it('never writes HTML from strings: no innerHTML or dangerouslySetInnerHTML in the UI sources', () => {
    const offenders = sources(join(WEB, 'src')).filter((f) =>
      /dangerouslySetInnerHTML|innerHTML|outerHTML|insertAdjacentHTML|document\.write|new Function|eval\(/.test(
        readFileSync(f, 'utf8'),
      ),
    );
    expect(offenders).toEqual([]);
  });
});

describe('web UI turned off (ui: false)', () => {
  const t = useAdmin({ ui: false });
  beforeAll(() => buildWebUi());

  it('answers 404 for the page and its assets; the API still runs', async () => {
    expect((await t.anonymous.get('/')).status).toBe(404);
    expect((await t.anonymous.get('/assets/app.js')).status).toBe(404);
    expect((await t.api('viewer').get('/api/streams')).status).toBe(200);
  });
});
