#!/usr/bin/env node
// Type-checks every ```ts block of the READMEs under `strict`, so the snippets cannot go stale.
//
// Each block is a module of its own. A block whose first line is a comment naming a file
// (`// orders.module.ts: ...`) is written under that name, so blocks of one README can import each
// other (`./orders.module`); other blocks get `snippet-<line>.ts`. A block that is deliberately a
// fragment starts with `// fragment` and is skipped: keep that rare.
//
//   node scripts/check-readme-snippets.mjs             the READMEs against the packages' sources
//   node scripts/check-readme-snippets.mjs --emit DIR  writes the root README's blocks into DIR (the
//                                                      pack-check type-checks them in an app that
//                                                      installed the packed tarballs)
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const READMES = [
  'README.md',
  'libs/core/README.md',
  'libs/cli/README.md',
  'libs/auth/README.md',
  'libs/testing/README.md',
  'apps/admin/README.md',
];

/** The ```ts blocks of a README: { file, line (1-based, of the first code line), code }. */
function extract(text) {
  const blocks = [];
  const lines = text.split('\n');
  const used = new Set();
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    const code = lines.slice(start, end);
    i = end;
    if (/^\/\/ fragment\b/.test(code[0] ?? '')) continue;
    let file = /^\/\/ ([\w.-]+\.ts)\b/.exec(code[0] ?? '')?.[1] ?? `snippet-${start + 1}.ts`;
    for (let n = 2; used.has(file); n++) file = file.replace(/(-\d+)?\.ts$/, `-${n}.ts`);
    used.add(file);
    const body = code.join('\n');
    // A block without import or export would be a script sharing one global scope with the others.
    const isModule = /^\s*(import|export)\b/m.test(body);
    blocks.push({ file, line: start + 1, code: isModule ? `${body}\n` : `${body}\nexport {};\n` });
  }
  return blocks;
}

async function write(dir, blocks) {
  await mkdir(dir, { recursive: true });
  for (const b of blocks) await writeFile(join(dir, b.file), b.code);
}

const emit = process.argv.indexOf('--emit');
if (emit !== -1) {
  const dir = resolve(process.argv[emit + 1] ?? '');
  await write(dir, extract(await readFile(join(root, 'README.md'), 'utf8')));
  process.exit(0);
}

// Under node_modules so that the snippets resolve @nestjs/*, class-validator... as an app would.
const work = join(root, 'node_modules/.cache/jetbus-readme-snippets');
await rm(work, { recursive: true, force: true });
const origin = new Map(); // snippet path relative to `work` -> { readme, line }
let count = 0;
for (const readme of READMES) {
  if (!existsSync(join(root, readme))) continue;
  const group = readme === 'README.md' ? 'root' : readme.split('/')[1];
  const blocks = extract(await readFile(join(root, readme), 'utf8'));
  await write(join(work, group), blocks);
  for (const b of blocks) origin.set(`${group}/${b.file}`, { readme, line: b.line });
  count += blocks.length;
}
const lib = (name) => [join(root, `libs/${name}/src/index.ts`)];
const tsconfig = {
  extends: join(root, 'tsconfig.base.json'),
  compilerOptions: {
    noEmit: true,
    strict: true,
    isolatedModules: true,
    types: ['node', 'jest'],
    rootDir: root,
    paths: {
      '@jetbus/core': lib('core'),
      '@jetbus/core/wire': [join(root, 'libs/core/src/wire/index.ts')],
      '@jetbus/core/ops': [join(root, 'libs/core/src/ops/index.ts')],
      '@jetbus/testing': lib('testing'),
      '@jetbus/auth': lib('auth'),
    },
  },
  include: ['**/*.ts'],
};
await writeFile(join(work, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));

const tsc = join(root, 'node_modules/typescript/bin/tsc');
execFile(
  process.execPath,
  [tsc, '-p', join(work, 'tsconfig.json'), '--pretty', 'false'],
  { cwd: work },
  (err, stdout) => {
    // Point each error at the README line it comes from.
    const errors = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const m = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(line);
        const snippet = m && origin.get(relative(work, resolve(work, m[1])));
        return snippet ? `${snippet.readme}:${snippet.line + Number(m[2]) - 1}:${m[3]}: ${m[4]}` : line;
      });
    if (err) {
      console.error(errors.join('\n') || err.message);
      console.error(`README snippets: ${count} blocks, type errors above`);
      process.exit(1);
    }
    console.log(`README snippets: ${count} blocks type-check under strict`);
  },
);
