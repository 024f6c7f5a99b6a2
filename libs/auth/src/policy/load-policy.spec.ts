import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyValidationError } from '../errors/policy-validation.error';
import { loadPolicy, parsePolicy } from './load-policy';
import { STARTER_POLICY } from './starter-policy';

const YAML_POLICY = `version: 1
operator:
  name: jetbus
roles:
  producer:
    producer: { subjects: [orders.>] }
accounts:
  ORDERS:
    users:
      billing:
        roles: [producer, prodcer]
`;

function validationError(fn: () => unknown): PolicyValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PolicyValidationError) return e;
    throw e;
  }
  throw new Error('expected a PolicyValidationError');
}

describe('parsePolicy', () => {
  it('reads the starter policy', () => {
    const policy = parsePolicy(STARTER_POLICY);
    expect(policy.accounts.map((a) => a.name)).toEqual(['APP']);
    expect(policy.accounts[0].users.map((u) => u.name)).toEqual(['api', 'worker', 'admin', 'web']);
    expect(policy.accounts[0].limits.payload).toBe(1024 * 1024);
  });

  it('points each error at its line and column', () => {
    const e = validationError(() => parsePolicy(YAML_POLICY, { source: 'auth.yaml' }));
    expect(e.errors).toHaveLength(1);
    expect(e.errors[0].message).toBe(
      'accounts.ORDERS.users.billing.roles[1]: unknown role "prodcer" (did you mean "producer"?)',
    );
    expect(e.errors[0].where).toBe('auth.yaml:11:27');
    expect(e.message).toBe(
      'invalid auth policy auth.yaml: 1 error\n' +
        '  - accounts.ORDERS.users.billing.roles[1]: unknown role "prodcer" (did you mean "producer"?) (auth.yaml:11:27)',
    );
  });

  it('reports duplicated keys, which YAML would silently collapse', () => {
    const text = `operator: { name: jetbus }
accounts:
  ORDERS:
    users:
      billing: { publish: { allow: [a] } }
      billing: { publish: { allow: [b] } }
`;
    const e = validationError(() => parsePolicy(text));
    expect(e.errors.map((x) => [x.message, x.location?.line])).toEqual([
      ['accounts.ORDERS.users.billing: duplicate user "billing"', 6],
    ]);
  });

  it('reads JSON, duplicates included', () => {
    const json = JSON.stringify({
      operator: { name: 'jetbus' },
      accounts: { A: { users: { u: { publish: { allow: ['x'] } } } } },
    });
    expect(parsePolicy(json).accounts[0].users[0].publish.allow).toEqual(['x']);
    const dup = '{"operator":{"name":"o"},"accounts":{"A":{},"A":{}}}';
    expect(validationError(() => parsePolicy(dup)).errors.map((x) => x.message)).toEqual([
      'accounts.A: duplicate account "A"',
    ]);
  });

  it('reports syntax errors with their position', () => {
    const e = validationError(() => parsePolicy('operator: {name: x\naccounts: [', { source: 'p.yaml' }));
    expect(e.errors.length).toBeGreaterThan(0);
    expect(e.errors[0].message).toMatch(/^syntax error: /);
    expect(e.errors[0].where).toMatch(/^p\.yaml:\d+:\d+$/);
  });
});

describe('loadPolicy', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'jetbus-policy-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loads a file and names it in errors', async () => {
    const file = join(dir, 'auth.yaml');
    await writeFile(file, YAML_POLICY);
    await expect(loadPolicy(file)).rejects.toThrow(`invalid auth policy ${file}: 1 error`);
    await writeFile(file, STARTER_POLICY);
    await expect(loadPolicy(file)).resolves.toMatchObject({ operator: { name: 'jetbus' } });
  });
});
