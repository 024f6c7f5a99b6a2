import { chmod, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilePolicy } from '../compiler/compile-policy';
import { KeyStore } from '../keystore/key-store';
import { parsePolicy } from '../policy/load-policy';
import { STARTER_POLICY } from '../policy/starter-policy';
import { readPreviousJwts } from './read-previous-jwts';
import { writeArtifacts } from './write-artifacts';

const mode = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;

describe('writeArtifacts', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'jetbus-artifacts-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes JWTs, 0600 creds in 0700 directories and server-auth.conf; reads the JWTs back', async () => {
    const keys = await KeyStore.open(join(dir, 'keys'));
    const compiled = await compilePolicy(parsePolicy(STARTER_POLICY), keys);
    const written = await writeArtifacts(compiled, keys, dir);

    const apiCreds = join(dir, 'creds/APP/api.creds');
    expect(written.creds['APP/api']).toBe(apiCreds);
    expect(Object.keys(written.creds).sort()).toEqual([
      'APP/admin',
      'APP/api',
      'APP/web',
      'APP/worker',
      'SYS/sys',
    ]);
    expect(await mode(apiCreds)).toBe(0o600);
    expect(await mode(join(dir, 'creds/APP'))).toBe(0o700);
    expect(await mode(join(dir, 'creds'))).toBe(0o700);
    const creds = await readFile(apiCreds, 'utf8');
    const api = compiled.users.find((u) => u.name === 'api');
    expect(creds).toContain(api?.jwt);
    expect(creds).toContain(new TextDecoder().decode((await keys.user('APP', 'api')).getSeed()));

    const conf = await readFile(join(dir, 'server-auth.conf'), 'utf8');
    expect(conf).toContain(`system_account: ${compiled.systemAccount.publicKey}`);
    expect(conf).toContain(`dir: ${JSON.stringify(join(dir, 'resolver'))}`);

    expect(await readPreviousJwts(dir)).toEqual({
      operator: compiled.operator.jwt,
      accounts: { SYS: compiled.accounts[0].jwt, APP: compiled.accounts[1].jwt },
      users: Object.fromEntries(compiled.users.map((u) => [`${u.account}/${u.name}`, u.jwt])),
    });
  });

  it('deletes the creds of users that are gone', async () => {
    const keys = await KeyStore.open(join(dir, 'keys'));
    await writeArtifacts(await compilePolicy(parsePolicy(STARTER_POLICY), keys), keys, dir);
    const without = parsePolicy(STARTER_POLICY.replace(/ {6}api:\n(?: {8}.*\n)+/, ''));
    expect(without.accounts[0].users.map((u) => u.name)).toEqual(['worker', 'admin', 'web']);
    const written = await writeArtifacts(await compilePolicy(without, keys), keys, dir);
    expect(written.removedCreds).toEqual([join(dir, 'creds/APP/api.creds')]);
    await expect(stat(join(dir, 'creds/APP/api.creds'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(Object.keys((await readPreviousJwts(dir)).users ?? {})).not.toContain('APP/api');
  });

  it('makes the root 0700 (also one an older version left 0755) and every file 0600 in 0700 dirs', async () => {
    await chmod(dir, 0o755);
    const keys = await KeyStore.open(join(dir, 'keys'));
    await writeArtifacts(await compilePolicy(parsePolicy(STARTER_POLICY), keys), keys, dir);
    expect(await mode(dir)).toBe(0o700);
    const walk = async (d: string): Promise<string[]> => {
      const out = [`${d} ${(await mode(d)).toString(8)}`];
      for (const e of await readdir(d, { withFileTypes: true })) {
        if (e.isDirectory()) out.push(...(await walk(join(d, e.name))));
        else if (!e.name.endsWith('.pub') && e.name !== 'revocations.json')
          out.push(`${join(d, e.name)} ${(await mode(join(d, e.name))).toString(8)}`);
      }
      return out;
    };
    const modes = await walk(dir);
    expect(modes.filter((m) => !m.endsWith(' 700') && !m.endsWith(' 600'))).toEqual([]);
    // No temp file left behind by the atomic writes.
    expect(modes.filter((m) => m.includes('.tmp'))).toEqual([]);
  });

  it('returns empty previous JWTs for a new directory', async () => {
    expect(await readPreviousJwts(join(dir, 'nothing'))).toEqual({ accounts: {}, users: {} });
  });
});
