import { readFileSync } from 'node:fs';
import path from 'node:path';
import { POLICY_JSON_SCHEMA_FILE, policyJsonSchema } from './policy-schema';

const authRoot = path.resolve(__dirname, '../..');
const committed = (): unknown =>
  JSON.parse(readFileSync(path.join(authRoot, POLICY_JSON_SCHEMA_FILE), 'utf8')) as unknown;

describe('the JSON Schema of the policy', () => {
  it('is committed as the zod schema generates it (node scripts/write-policy-schema.mjs)', () => {
    expect(committed()).toEqual(policyJsonSchema());
  });

  it('is shipped in @jetbus/auth and exported under its file name', () => {
    const pkg = JSON.parse(readFileSync(path.join(authRoot, 'package.json'), 'utf8')) as {
      files: string[];
      exports: Record<string, unknown>;
    };
    expect(pkg.files).toContain(POLICY_JSON_SCHEMA_FILE);
    expect(pkg.exports[`./${POLICY_JSON_SCHEMA_FILE}`]).toBe(`./${POLICY_JSON_SCHEMA_FILE}`);
  });

  it("is the example policy's schema for editors (yaml-language-server)", () => {
    const example = path.resolve(authRoot, '../../apps/example/jetbus-auth.yaml');
    const modeline = /^# yaml-language-server: \$schema=(\S+)$/m.exec(readFileSync(example, 'utf8'));
    expect(modeline && path.resolve(path.dirname(example), modeline[1])).toBe(
      path.join(authRoot, POLICY_JSON_SCHEMA_FILE),
    );
  });

  it('describes the policy: strict objects, named parts, names as patterns', () => {
    const schema = policyJsonSchema() as {
      additionalProperties: unknown;
      required: string[];
      definitions: Record<string, { properties?: Record<string, unknown> }>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['operator', 'accounts']);
    expect(Object.keys(schema.definitions.Role.properties ?? {})).toEqual(
      expect.arrayContaining(['producer', 'worker', 'service', 'admin', 'reaper', 'publish', 'subscribe']),
    );
    expect(Object.keys(schema.definitions.User.properties ?? {})).toEqual([
      'roles',
      'publish',
      'subscribe',
      'inboxPrefix',
      'allowedCidrs',
      'expires',
      'allowResponses',
    ]);
  });
});
