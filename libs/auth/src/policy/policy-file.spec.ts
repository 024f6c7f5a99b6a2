import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyValidationError } from '../errors/policy-validation.error';
import {
  addUserToPolicyFile,
  policyWithoutUser,
  policyWithUser,
  removeUserFromPolicyFile,
  writePolicyEdit,
} from './policy-file';
import { STARTER_POLICY } from './starter-policy';

describe('policy file edits', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jetbus-policy-file-'));
    file = join(dir, 'auth.yaml');
    await writeFile(file, STARTER_POLICY);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  describe('addUserToPolicyFile', () => {
    it('adds the user and keeps comments', async () => {
      const policy = await addUserToPolicyFile(file, 'APP', 'billing', {
        roles: ['orders-producer'],
        expires: new Date('2030-01-01T00:00:00Z'),
      });
      expect(policy.accounts[0].users.map((u) => u.name)).toEqual([
        'api',
        'worker',
        'admin',
        'web',
        'billing',
      ]);
      const text = await readFile(file, 'utf8');
      expect(text).toContain('# Roles are named permission sets');
      expect(text).toContain('      api:\n        roles: [orders-producer]\n');
      expect(text).toContain('billing:');
      expect(text).toContain('2030-01-01T00:00:00.000Z');
    });

    it('refuses an edit that makes the policy invalid, leaving the file alone', async () => {
      await expect(addUserToPolicyFile(file, 'APP', 'billing', { roles: ['nope'] })).rejects.toThrow(
        'accounts.APP.users.billing.roles[0]: unknown role "nope"',
      );
      await expect(addUserToPolicyFile(file, 'APP', 'api', { roles: ['orders-producer'] })).rejects.toThrow(
        'accounts.APP.users.api: user "api" already exists',
      );
      await expect(
        addUserToPolicyFile(file, 'NOPE', 'x', { roles: ['orders-producer'] }),
      ).rejects.toBeInstanceOf(PolicyValidationError);
      expect(await readFile(file, 'utf8')).toBe(STARTER_POLICY);
    });

    it('edits JSON policies as JSON', async () => {
      const json = join(dir, 'auth.json');
      await writeFile(json, JSON.stringify({ operator: { name: 'o' }, accounts: { A: null } }));
      await addUserToPolicyFile(json, 'A', 'u', { publish: { allow: ['x'] } });
      expect(JSON.parse(await readFile(json, 'utf8'))).toEqual({
        operator: { name: 'o' },
        accounts: { A: { users: { u: { publish: { allow: ['x'] } } } } },
      });
    });
  });

  describe('removeUserFromPolicyFile', () => {
    it('removes the user', async () => {
      const policy = await removeUserFromPolicyFile(file, 'APP', 'api');
      expect(policy.accounts[0].users.map((u) => u.name)).toEqual(['worker', 'admin', 'web']);
      await expect(removeUserFromPolicyFile(file, 'APP', 'api')).rejects.toThrow(
        'no user "api" in account APP',
      );
    });
  });

  describe('policyWithUser / policyWithoutUser', () => {
    it('validate the edit without writing; writePolicyEdit writes it', async () => {
      const edit = await policyWithUser(file, 'APP', 'billing', { roles: ['orders-producer'] });
      expect(edit.text).toContain('billing:');
      expect(await readFile(file, 'utf8')).toBe(STARTER_POLICY);
      const removal = await policyWithoutUser(file, 'APP', 'api');
      expect(removal.policy.accounts[0].users.map((u) => u.name)).toEqual(['worker', 'admin', 'web']);
      expect(await readFile(file, 'utf8')).toBe(STARTER_POLICY);
      await writePolicyEdit(edit);
      expect(await readFile(file, 'utf8')).toBe(edit.text);
    });

    it('name a missing policy file in one line', async () => {
      await expect(policyWithUser(join(dir, 'nope.yaml'), 'APP', 'x', { roles: [] })).rejects.toThrow(
        `cannot read policy ${join(dir, 'nope.yaml')}: no such file or directory`,
      );
    });
  });
});
