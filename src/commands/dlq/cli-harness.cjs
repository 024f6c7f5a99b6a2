// Runs `jetbus dlq ...` from the TypeScript sources, for register-dlq-commands.spec.ts.
// commander 15 is an ES module: Jest's CommonJS runtime cannot load it, plain Node (>= 20.19,
// require of ES modules) can. So the spec runs this file in a child process, where .ts files are
// compiled on load with @swc/core (decorators on: @jetbus/core has Nest providers) and @jetbus/*
// resolve to libs/*/src.
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');

const root = join(__dirname, '..', '..', '..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const lib = /^@jetbus\/(auth|core|testing)$/.exec(request);
  return resolveFilename.call(this, lib ? join(root, 'libs', lib[1], 'src', 'index.ts') : request, ...rest);
};
Module._extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

const { Command } = require('commander');
const { registerDlqCommands } = require('./index.ts');

const program = new Command('jetbus');
registerDlqCommands(program);
program.parseAsync(process.argv).catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exitCode = 2;
});
