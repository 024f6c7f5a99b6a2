#!/usr/bin/env node
// Writes the JSON Schema of the auth policy (jetbus-auth.yaml) that @jetbus/auth ships, generated
// from the one zod declaration (libs/auth/src/policy/policy-schema.ts) with `z.toJSONSchema`.
// The file is committed; policy-json-schema.spec.ts fails when it is not what the schema generates.
//
//   node scripts/write-policy-schema.mjs           (re)writes libs/auth/jetbus-auth.schema.json
//   node scripts/write-policy-schema.mjs --check   exits 1 when the committed file is stale
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
// The TypeScript sources, compiled on require as the tests do: no build needed.
require(join(root, 'scripts/register-ts.js'));
const { policyJsonSchema, POLICY_JSON_SCHEMA_FILE } = require(
  join(root, 'libs/auth/src/policy/policy-schema.ts'),
);

const file = join(root, 'libs/auth', POLICY_JSON_SCHEMA_FILE);
// Formatted as `prettier --check .` (npm run lint) wants it.
const text = await format(JSON.stringify(policyJsonSchema()), {
  ...(await resolveConfig(file)),
  filepath: file,
});

if (process.argv.includes('--check')) {
  const committed = await readFile(file, 'utf8').catch(() => '');
  if (committed !== text) {
    console.error(`${file} is stale: run node scripts/write-policy-schema.mjs`);
    process.exit(1);
  }
  console.log(`${file} is up to date`);
} else {
  await writeFile(file, text);
  console.log(`wrote ${file}`);
}
