import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAdmin } from './load-admin';

/**
 * The error Node.js itself gives `import('@jetbus/admin')` (the CLI's dynamic import, compiled as
 * such) in a directory whose node_modules hold what `files` lists.
 */
function nodeImportError(files: Record<string, string> = {}): Error {
  const dir = mkdtempSync(join(tmpdir(), 'jetbus-load-admin-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const script =
      "import('@jetbus/admin').then(() => process.exit(3), (e) => process.stdout.write(JSON.stringify({ code: e.code, message: e.message })))";
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
      encoding: 'utf8',
    });
    const { code, message } = JSON.parse(run.stdout) as { code: string; message: string };
    return Object.assign(new Error(message), { code });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('loadAdmin', () => {
  it('says what to install when @jetbus/admin is not installed (ERR_MODULE_NOT_FOUND of an import)', async () => {
    const missing = nodeImportError();
    expect((missing as NodeJS.ErrnoException).code).toBe('ERR_MODULE_NOT_FOUND');
    await expect(loadAdmin(() => Promise.reject(missing))).rejects.toThrow(
      'the admin app is not installed: npm install @jetbus/admin (same version as @jetbus/cli)',
    );
  });

  it('says so for a require too (MODULE_NOT_FOUND)', async () => {
    const missing = Object.assign(new Error("Cannot find module '@jetbus/admin'"), {
      code: 'MODULE_NOT_FOUND',
    });
    await expect(loadAdmin(() => Promise.reject(missing))).rejects.toThrow(
      'the admin app is not installed: npm install @jetbus/admin',
    );
  });

  it('rethrows as it is a dependency of @jetbus/admin that is missing (a broken install)', async () => {
    const broken = nodeImportError({
      'node_modules/@jetbus/admin/package.json': '{ "name": "@jetbus/admin", "main": "index.js" }',
      'node_modules/@jetbus/admin/index.js': "require('express-session-not-installed');",
    });
    expect(broken.message).toContain('@jetbus/admin');
    await expect(loadAdmin(() => Promise.reject(broken))).rejects.toBe(broken);
  });

  it('loads the package', async () => {
    const admin = await loadAdmin();
    expect(typeof admin.startAdmin).toBe('function');
  });
});
