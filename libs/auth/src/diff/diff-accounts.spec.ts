import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilePolicy } from '../compiler/compile-policy';
import { type CompiledPolicy } from '../compiler/compiled-policy.types';
import { KeyStore } from '../keystore/key-store';
import { parsePolicy } from '../policy/load-policy';
import { diffAccounts } from './diff-accounts';

const POLICY = `operator: { name: jetbus }
accounts:
  A:
    limits: { connections: 10 }
    users: { u: { publish: { allow: [a.>] } } }
  B:
    users: { v: { publish: { allow: [b.>] } } }
`;

const deployedOf = (c: CompiledPolicy): Record<string, string> =>
  Object.fromEntries(c.accounts.map((a) => [a.publicKey, a.jwt]));

describe('diffAccounts', () => {
  let dir: string;
  let keys: KeyStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jetbus-diff-'));
    keys = await KeyStore.open(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reports accounts the server does not have as added', async () => {
    const c = await compilePolicy(parsePolicy(POLICY), keys);
    const changes = diffAccounts(c.accounts, { [c.accounts[0].publicKey]: c.accounts[0].jwt });
    expect(changes.map((x) => [x.account, x.kind])).toEqual([
      ['SYS', 'unchanged'],
      ['A', 'added'],
      ['B', 'added'],
    ]);
  });

  it('ignores re-signing and names the claims that changed', async () => {
    const before = await compilePolicy(parsePolicy(POLICY), keys);
    jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 5000);
    const same = await compilePolicy(parsePolicy(POLICY), keys);
    expect(same.accounts[1].jwt).not.toBe(before.accounts[1].jwt);
    expect(diffAccounts(same.accounts, deployedOf(before)).map((x) => x.kind)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);

    await keys.revokeUser('B', 'v', new Date('2031-01-01T00:00:00Z'));
    const revokedKey = (await keys.revocations('B'))[0].publicKey;
    const after = await compilePolicy(
      parsePolicy(POLICY.replace('connections: 10', 'connections: 20')),
      keys,
    );
    const changes = diffAccounts(after.accounts, deployedOf(before));
    expect(changes.map((x) => [x.account, x.kind, x.claims])).toEqual([
      ['SYS', 'unchanged', []],
      ['A', 'changed', [{ path: 'limits.conn', before: 10, after: 20 }]],
      ['B', 'changed', [{ path: `revocations.${revokedKey}`, after: 1924992000 }]],
    ]);
    jest.restoreAllMocks();
  });

  it('reports a removed account whose tombstone is not deployed yet', async () => {
    const before = await compilePolicy(parsePolicy(POLICY), keys);
    const after = await compilePolicy(parsePolicy(POLICY.replace(/ {2}B:\n.*\n/, '')), keys);
    const b = diffAccounts(after.accounts, deployedOf(before)).find((x) => x.account === 'B');
    expect(b?.kind).toBe('removed');
    expect(b?.claims.map((c) => c.path)).toEqual(
      expect.arrayContaining(['limits.leaf', 'revocations.*', 'signing_keys']),
    );
  });
});
