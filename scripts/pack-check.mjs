#!/usr/bin/env node
// Packs every package and installs the tarballs in two fresh Nest apps outside the repository, one
// CommonJS and one ES module, with their peers from the npm registry at the versions the repository
// tests (the root package.json). Each app is type-checked under `strict` (libraries' .d.ts included;
// the CommonJS app with the root README's ```ts blocks, scripts/check-readme-snippets.mjs --emit),
// runs a @JobHandler end to end against its own nats-server (@jetbus/testing, a free loopback port)
// and `npx jetbus` in its own directory; `npm ls @nestjs/core` must show one copy. The CommonJS app
// also installs @jetbus/admin and starts `npx jetbus admin --dev`: UI served, dev login, API answers.
// Usage: node scripts/pack-check.mjs [--keep] [--no-readme]   (--keep leaves the temp dir for a look;
// --no-readme leaves the README's snippets out)
import { execFile as execFileCb } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execFile = promisify(execFileCb);
const root = resolve(import.meta.dirname, '..');
const keep = process.argv.includes('--keep');
const withReadme = !process.argv.includes('--no-readme');
const started = Date.now();
const PACKAGES = ['libs/testing', 'libs/core', 'libs/auth', 'libs/cli', 'apps/admin'];
/**
 * What a tarball may hold besides compiled JavaScript, declarations and source maps: the auth
 * policy's JSON Schema (`@jetbus/auth/jetbus-auth.schema.json`) is shipped for editors.
 */
const ALLOWED = /^(package\.json|README\.md|LICENSE|jetbus-auth\.schema\.json)$|\.(js|d\.ts|js\.map)$/;
/** The admin app's built web UI (esbuild's bundle, its stylesheet, page and icon). */
const ALLOWED_UI = /^dist\/ui\/[\w.-]+\.(html|css|js|js\.map|css\.map|txt|svg|ico|png|woff2)$/;

const log = (line) => console.log(`pack-check [${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);

async function run(cmd, args, cwd, env = {}) {
  try {
    const { stdout } = await execFile(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 240_000,
    });
    return stdout;
  } catch (e) {
    throw new Error(
      `${cmd} ${args.join(' ')} (in ${cwd}) failed:\n${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`,
      { cause: e },
    );
  }
}

const rootPkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const tested = (name) =>
  rootPkg.dependencies[name] ?? rootPkg.devDependencies[name] ?? fail(`no tested version of ${name}`);
function fail(message) {
  throw new Error(message);
}

/** Builds the packages and packs them into `dir`; returns { name: tarball path }. */
async function pack(dir) {
  await mkdir(dir, { recursive: true });
  // A clean build: tsc -b leaves the outputs of deleted or moved sources behind, and npm would pack them.
  for (const p of PACKAGES) await rm(join(root, p, 'dist'), { recursive: true, force: true });
  await run('npx', ['tsc', '-b', ...PACKAGES.map((p) => `${p}/tsconfig.build.json`)], root);
  await run('node', ['apps/admin/scripts/build-web.mjs'], root);
  const out = JSON.parse(
    await run(
      'npm',
      ['pack', '--json', '--pack-destination', dir, ...PACKAGES.flatMap((p) => ['-w', p])],
      root,
    ),
  );
  const tarballs = {};
  for (const t of out) {
    const stray = t.files
      .map((f) => f.path)
      .filter((p) => !(ALLOWED.test(p) || ALLOWED_UI.test(p)) || /\.(spec|e2e)\.|__tests__/.test(p));
    if (stray.length) fail(`${t.name}: the tarball holds more than JS, .d.ts and maps: ${stray.join(', ')}`);
    if (!t.files.some((f) => f.path === 'dist/index.d.ts' || f.path === 'dist/main.js'))
      fail(`${t.name}: no dist`);
    tarballs[t.name] = join(dir, t.filename);
    log(`packed ${t.filename}: ${t.entryCount} files, ${(t.size / 1024).toFixed(0)} kB`);
  }
  return tarballs;
}

/** A fresh Nest app (minimal files, no generator): `type` is 'commonjs' or 'module'. */
async function createApp(dir, type, tarballs, snippets) {
  await mkdir(dir, { recursive: true });
  await cp(join(root, 'scripts/pack-check/app'), dir, { recursive: true });
  if (snippets) await cp(snippets, join(dir, 'src/readme'), { recursive: true });
  const peers = [
    '@nestjs/common',
    '@nestjs/core',
    '@nestjs/microservices',
    'class-transformer',
    'class-validator',
    'reflect-metadata',
    'rxjs',
  ];
  const pkg = {
    name: `jetbus-pack-check-${type}`,
    version: '1.0.0',
    private: true,
    type,
    dependencies: {
      ...Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`])),
      ...Object.fromEntries(peers.map((p) => [p, tested(p)])),
    },
    devDependencies: { typescript: tested('typescript'), '@types/node': tested('@types/node') },
  };
  await writeFile(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
}

const WIRE_CHECK = `
  const wire = require('@jetbus/core/wire');
  const nest = Object.keys(require.cache).filter((f) => /[\\\\/]@nestjs[\\\\/]/.test(f));
  if (nest.length || typeof wire.reaperDurable !== 'function') {
    console.error('@jetbus/core/wire loaded Nest: ' + nest.join(', '));
    process.exit(1);
  }
  const ops = require('@jetbus/core/ops');
  const heavy = Object.keys(require.cache).filter((f) => /[\\/](@nestjs|class-validator|class-transformer)[\\/]/.test(f));
  if (heavy.length || typeof ops.replayDeadLetters !== 'function') {
    console.error('@jetbus/core/ops loaded Nest or class-validator: ' + heavy.join(', '));
    process.exit(1);
  }
  const schema = require('@jetbus/auth/jetbus-auth.schema.json');
  if (!schema.definitions || !schema.definitions.Role) process.exit(1);
  console.log('@jetbus/core/wire and /ops load no Nest; @jetbus/auth/jetbus-auth.schema.json resolves');
`;

// `npx jetbus admin --dev` in the user's app: @jetbus/admin from its tarball, the web UI served,
// the one-time login signs in, the API answers. Against the app's own nats-server.
const ADMIN_CHECK = `
  const { spawn } = require('node:child_process');
  const { NatsServer } = require('@jetbus/testing');
  (async () => {
    const server = await NatsServer.start();
    const admin = spawn('npx', ['jetbus', 'admin', '--dev', '--port', '0', '--server', server.url], {
      stdio: ['ignore', 'pipe', 'inherit'],
      // Its own process group: npx runs jetbus as a child of its own, and both must stop.
      detached: true,
    });
    const stop = (signal) => { try { process.kill(-admin.pid, signal); } catch {} };
    const fail = async (why) => { stop('SIGKILL'); await server.stop(); console.error(why); process.exit(1); };
    const timer = setTimeout(() => fail('jetbus admin did not start within 60 s'), 60_000);
    let out = '';
    admin.stdout.on('data', async (chunk) => {
      out += chunk;
      const url = /listening on (\\S+)/.exec(out)?.[1];
      const password = /password (\\S+)/.exec(out)?.[1];
      if (!url || !password || admin.checked) return;
      admin.checked = true;
      clearTimeout(timer);
      const health = await fetch(url + '/health');
      const page = await (await fetch(url + '/')).text();
      const login = await fetch(url + '/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'dev', password }),
      });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
      const streams = await fetch(url + '/api/streams', { headers: { cookie } });
      if (health.status !== 200 || !page.includes('<script') || login.status !== 200 || streams.status !== 200)
        return fail('admin: health ' + health.status + ', page ' + page.length + ' B, login ' + login.status + ', streams ' + streams.status);
      const exited = new Promise((resolve) => admin.once('exit', resolve));
      stop('SIGTERM');
      await exited;
      await server.stop();
      console.log('npx jetbus admin --dev: UI served, dev login signs in, /api/streams 200, /health 200');
      process.exit(0);
    });
  })().catch((e) => { console.error(e); process.exit(1); });
`;

async function checkApp(dir, type) {
  const label = type === 'module' ? 'ESM' : 'CommonJS';
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  log(`${label}: installed the tarballs and peers`);
  const copies = (await run('npm', ['ls', '@nestjs/core', '--all', '--parseable'], dir))
    .split('\n')
    .filter(Boolean);
  if (new Set(copies).size !== 1)
    fail(`${label}: @nestjs/core is installed ${new Set(copies).size} times: ${copies}`);
  await run('npx', ['tsc', '-p', 'tsconfig.json'], dir);
  log(
    `${label}: type-checks under strict and compiles${type === 'commonjs' && withReadme ? ' (with the README snippets)' : ''}`,
  );
  const out = await run('node', ['dist/check.js'], dir, { NODE_NO_WARNINGS: '1' });
  log(`${label}: ${out.trim()}; npm ls @nestjs/core: one copy`);
  // The wire contract is what @jetbus/auth and the CLI load without Nest; the policy's JSON Schema
  // is a file editors point at.
  const wire = await run('node', ['-e', WIRE_CHECK], dir, { NODE_NO_WARNINGS: '1' });
  log(`${label}: ${wire.trim()}`);
  if (type === 'commonjs') {
    const admin = await run('node', ['-e', ADMIN_CHECK], dir, { NODE_NO_WARNINGS: '1' });
    log(`${label}: ${admin.trim()}`);
  }
}

const work = await mkdtemp(join(tmpdir(), 'jetbus-pack-check-'));
let ok = false;
try {
  const tarballs = await pack(join(work, 'tarballs'));
  const snippets = withReadme ? join(work, 'readme-snippets') : undefined;
  if (snippets)
    await run('node', [join(root, 'scripts/check-readme-snippets.mjs'), '--emit', snippets], root);
  await createApp(join(work, 'app-cjs'), 'commonjs', tarballs, snippets);
  await createApp(join(work, 'app-esm'), 'module', tarballs);
  await Promise.all([checkApp(join(work, 'app-cjs'), 'commonjs'), checkApp(join(work, 'app-esm'), 'module')]);
  ok = true;
  log('ok');
} catch (e) {
  console.error(`pack-check failed: ${e.message}`);
} finally {
  if (keep || !ok) log(`kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
