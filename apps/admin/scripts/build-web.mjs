#!/usr/bin/env node
// Bundles the admin web UI (apps/admin/web) into apps/admin/dist/ui: one script, one stylesheet,
// index.html and the icon. Everything is served from 'self' under a strict CSP, so nothing may come
// from a CDN and nothing may be inlined. `--watch` rebuilds on change.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, context } from 'esbuild';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(app, 'web');
const out = join(app, 'dist', 'ui');

/** @type {import('esbuild').BuildOptions} */
const options = {
  entryPoints: [join(web, 'src', 'app.tsx'), join(web, 'app.css')],
  outdir: out,
  entryNames: '[name]',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2022'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'eof',
  tsconfig: join(web, 'tsconfig.json'),
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
};

mkdirSync(out, { recursive: true });
const copyStatic = () => {
  copyFileSync(join(web, 'index.html'), join(out, 'index.html'));
  copyFileSync(join(web, 'favicon.svg'), join(out, 'favicon.svg'));
};

if (process.argv.includes('--watch')) {
  copyStatic();
  const ctx = await context(options);
  await ctx.watch();
  console.log(`watching ${web} → ${out}`);
} else {
  await build(options);
  copyStatic();
}
