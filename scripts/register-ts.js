// Lets tests run TypeScript in child processes (worker processes for fault tests, the CLI)
// without a build step: compiles .ts with swc on require, as Jest does, and maps @jetbus/* to
// the library sources. Compiled files are cached on disk by content (a test run starts hundreds
// of such processes, each loading the same few hundred files).
const Module = require('node:module');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const lib = /^@jetbus\/(core|testing|auth)$/.exec(request);
  if (lib) return path.join(root, 'libs', lib[1], 'src', 'index.ts');
  const sub = /^@jetbus\/core\/(wire|ops)$/.exec(request);
  if (sub) return path.join(root, 'libs', 'core', 'src', sub[1], 'index.ts');
  if (request === '@jetbus/admin') return path.join(root, 'apps', 'admin', 'src', 'index.ts');
  return resolveFilename.call(this, request, ...rest);
};

const SWC_OPTIONS = {
  sourceMaps: 'inline',
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};
let swc;
let cacheDir;
/** The cache key covers everything the output depends on: swc's version, the options, the path, the source. */
function cached(filename, source) {
  swc ??= require('@swc/core');
  // Inside the checkout (as babel and others do), not a shared temp dir another user could fill.
  cacheDir ??= path.join(root, 'node_modules', '.cache', 'jetbus-register-ts');
  const key = crypto
    .createHash('sha256')
    .update(`${swc.version}\0${JSON.stringify(SWC_OPTIONS)}\0${filename}\0${source}`)
    .digest('hex');
  const file = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    const { code } = swc.transformSync(source, { ...SWC_OPTIONS, filename });
    try {
      // Written whole under a temporary name, then renamed: a parallel process never reads half a file.
      fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code, { mode: 0o600 });
      fs.renameSync(tmp, file);
    } catch {
      // A cache that cannot be written only costs time.
    }
    return code;
  }
}

require.extensions['.ts'] = function (module, filename) {
  module._compile(cached(filename, fs.readFileSync(filename, 'utf8')), filename);
};
