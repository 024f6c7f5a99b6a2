// Jest runs TypeScript through swc (fast, keeps decorator metadata for DTO validation) and also
// transforms Nest 12's ES-module-only packages so they load under Jest's CommonJS runtime.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const swcJs = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc, '^.+\\.m?js$': swcJs },
  // openid-client v6 and its dependencies are ES modules too.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|@nats-io|openid-client|oauth4webapi|jose)/)'],
  moduleNameMapper: {
    '^@jetbus/(core|testing|auth)$': '<rootDir>/libs/$1/src/index.ts',
    // A subpath export of core (package.json `exports`): its wire contract, which loads no NestJS.
    '^@jetbus/core/wire$': '<rootDir>/libs/core/src/wire/index.ts',
    // Operations without NestJS (the CLI's import).
    '^@jetbus/core/ops$': '<rootDir>/libs/core/src/ops/index.ts',
    '^@jetbus/admin$': '<rootDir>/apps/admin/src/index.ts',
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/src/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
    },
    {
      // Specs of one library that need real servers (nats-server, openssl): slower, kept apart so
      // `unit` stays unit (`npx jest --selectProjects unit`).
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/libs/**/*.int.ts', '<rootDir>/src/**/*.int.ts', '<rootDir>/apps/**/*.int.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-setup.ts'],
    },
  ],
};
