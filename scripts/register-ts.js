// Lets tests run TypeScript in child processes (worker processes for fault tests, the CLI)
// without a build step: compiles .ts with swc on require, as Jest does, and maps @jetbus/* to
// the library sources.
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

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

require.extensions['.ts'] = function (module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
