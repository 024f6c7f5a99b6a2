import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where `scripts/build-web.mjs` writes the bundled UI: `apps/admin/dist/ui`. This file runs both
 * from `src/web` (tests, ts-node) and from `dist/web` (the package), two levels below
 * `apps/admin` either way. Not `dist/web`: tsc emits this module there.
 */
export const WEB_ASSETS_DIR = resolve(__dirname, '..', '..', 'dist', 'ui');

/** The files the UI consists of and their content types: nothing else is ever served. */
export const WEB_ASSET_TYPES: Readonly<Record<string, string>> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.js.map': 'application/json; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'app.css.map': 'application/json; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

/** The absolute path of a built asset, or undefined if the name is not one of the UI's files. */
export function webAssetPath(name: string): string | undefined {
  if (!Object.hasOwn(WEB_ASSET_TYPES, name)) return undefined;
  const path = join(WEB_ASSETS_DIR, name);
  return existsSync(path) ? path : undefined;
}

export const webIndexPath = (): string => join(WEB_ASSETS_DIR, 'index.html');
