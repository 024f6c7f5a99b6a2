import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyStoreError } from '../errors/key-store.error';
import { KeyStore } from './key-store';

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('KeyStore', () => {
  let root: string;
  let dir: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'jetbus-keys-'));
    dir = join(root, 'auth', 'keys');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  describe('open', () => {
    it('creates the directory 0700', async () => {
      await KeyStore.open(dir);
      expect(await mode(dir)).toBe(0o700);
    });

    it('refuses a directory other users can read', async () => {
      await mkdir(dir, { recursive: true });
      await chmod(dir, 0o755);
      await expect(KeyStore.open(dir)).rejects.toThrow(
        `directory ${dir} is accessible by other users (mode 755); run: chmod 700 ${dir}`,
      );
    });
  });

  describe('keys', () => {
    it('writes seeds 0600 in 0700 directories, with the public key beside (0600 too)', async () => {
      const keys = await KeyStore.open(dir);
      const user = await keys.user('ORDERS', 'billing');
      const seedFile = join(dir, 'accounts/ORDERS/users/billing.nk');
      expect(await mode(seedFile)).toBe(0o600);
      // Every file the store writes is 0600, as the READMEs say: public keys and revocations too.
      expect(await mode(join(dir, 'accounts/ORDERS/users/billing.pub'))).toBe(0o600);
      expect(await mode(join(dir, 'accounts/ORDERS/users'))).toBe(0o700);
      expect(await mode(join(dir, 'accounts/ORDERS'))).toBe(0o700);
      expect((await readFile(seedFile, 'utf8')).trim()).toMatch(/^SU[A-Z2-7]+$/);
      expect((await readFile(join(dir, 'accounts/ORDERS/users/billing.pub'), 'utf8')).trim()).toBe(
        user.getPublicKey(),
      );
      await keys.revokeUser('ORDERS', 'billing');
      expect(await mode(join(dir, 'revocations.json'))).toBe(0o600);
    });

    it('returns the same keys across runs', async () => {
      const first = await KeyStore.open(dir);
      const op = (await first.operator()).getPublicKey();
      const sk = (await first.accountSigningKey('ORDERS')).getPublicKey();
      const acc = await first.accountPublicKey('ORDERS');
      const user = (await first.user('ORDERS', 'billing')).getPublicKey();

      const second = await KeyStore.open(dir);
      expect((await second.operator()).getPublicKey()).toBe(op);
      expect((await second.accountSigningKey('ORDERS')).getPublicKey()).toBe(sk);
      expect(await second.accountPublicKey('ORDERS')).toBe(acc);
      expect((await second.user('ORDERS', 'billing')).getPublicKey()).toBe(user);
      expect(op).toMatch(/^O/);
      expect(acc).toMatch(/^A/);
      expect(user).toMatch(/^U/);
      expect(await second.accounts()).toEqual(['ORDERS']);
      expect(await second.users('ORDERS')).toEqual(['billing']);
    });

    it('refuses a seed file other users can read, without quoting it', async () => {
      const keys = await KeyStore.open(dir);
      await keys.user('ORDERS', 'billing');
      const seedFile = join(dir, 'accounts/ORDERS/users/billing.nk');
      await chmod(seedFile, 0o644);
      const again = await KeyStore.open(dir);
      await expect(again.user('ORDERS', 'billing')).rejects.toThrow(
        `seed file ${seedFile} is accessible by other users (mode 644)`,
      );
    });

    it('refuses a corrupt seed without quoting it', async () => {
      const keys = await KeyStore.open(dir);
      await keys.user('ORDERS', 'billing');
      const seedFile = join(dir, 'accounts/ORDERS/users/billing.nk');
      await writeFile(seedFile, 'SUNOTASEED', { mode: 0o600 });
      const error = await (await KeyStore.open(dir)).user('ORDERS', 'billing').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeyStoreError);
      expect((error as Error).message).not.toContain('SUNOTASEED');
    });

    it('keeps names out of the path', async () => {
      const keys = await KeyStore.open(dir);
      await expect(keys.user('ORDERS', '../../evil')).rejects.toThrow('user name "../../evil" must be');
    });

    it('works with an identity seed moved offline, and says so when it is needed', async () => {
      const keys = await KeyStore.open(dir);
      const pub = (await keys.operator()).getPublicKey();
      await rename(join(dir, 'operator/identity.nk'), join(root, 'offline.nk'));
      const offline = await KeyStore.open(dir);
      expect(await offline.operatorPublicKey()).toBe(pub);
      expect(await offline.hasOperatorSeed()).toBe(false);
      await expect(offline.operator()).rejects.toThrow('the seed of operator/identity is offline');
    });
  });

  describe('revokeUser', () => {
    it('records the revocation, drops the seed and issues a new key next time', async () => {
      const keys = await KeyStore.open(dir);
      const old = (await keys.user('ORDERS', 'billing')).getPublicKey();
      const at = new Date('2030-01-01T00:00:00Z');
      expect(await keys.revokeUser('ORDERS', 'billing', at)).toEqual({
        account: 'ORDERS',
        user: 'billing',
        publicKey: old,
        revokedAt: at.toISOString(),
      });
      expect(await keys.users('ORDERS')).toEqual([]);

      const reopened = await KeyStore.open(dir);
      expect(await reopened.revocations('ORDERS')).toEqual([
        { account: 'ORDERS', user: 'billing', publicKey: old, revokedAt: at.toISOString() },
      ]);
      expect(await reopened.userPublicKey('ORDERS', 'billing')).toBeUndefined();
      expect((await reopened.user('ORDERS', 'billing')).getPublicKey()).not.toBe(old);
      await expect(reopened.revokeUser('ORDERS', 'nobody')).rejects.toThrow(
        'no key for user "nobody" of account ORDERS',
      );
    });
  });

  describe('when read-only', () => {
    it('creates and revokes in memory only', async () => {
      const keys = await KeyStore.open(dir);
      await keys.user('ORDERS', 'billing');
      const dry = await KeyStore.open(dir, { readOnly: true });
      const fresh = await dry.user('ORDERS', 'new');
      expect((await dry.user('ORDERS', 'new')).getPublicKey()).toBe(fresh.getPublicKey());
      await dry.revokeUser('ORDERS', 'billing');
      expect(await dry.users('ORDERS')).toEqual(['new']);

      const disk = await KeyStore.open(dir);
      expect(await disk.users('ORDERS')).toEqual(['billing']);
      expect(await disk.revocations()).toEqual([]);
    });

    it('does not create a missing directory', async () => {
      const dry = await KeyStore.open(dir, { readOnly: true });
      await dry.operator();
      await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });

  describe('when staged', () => {
    it('keeps new keys and revocations in memory until commit', async () => {
      const keys = await KeyStore.open(dir);
      const old = await keys.user('ORDERS', 'billing');
      const staged = await KeyStore.open(dir, { staged: true });
      await staged.revokeUser('ORDERS', 'billing');
      const rotated = await staged.user('ORDERS', 'billing');
      const added = await staged.user('ORDERS', 'new');
      expect(staged.hasPendingWrites).toBe(true);

      // Nothing on disk yet: a failure now leaves the store as it was.
      const before = await KeyStore.open(dir, { readOnly: true });
      expect((await before.user('ORDERS', 'billing')).getPublicKey()).toBe(old.getPublicKey());
      expect(await before.users('ORDERS')).toEqual(['billing']);
      expect(await before.revocations()).toEqual([]);

      await staged.commit();
      expect(staged.hasPendingWrites).toBe(false);
      const after = await KeyStore.open(dir);
      expect((await after.user('ORDERS', 'billing')).getPublicKey()).toBe(rotated.getPublicKey());
      expect((await after.user('ORDERS', 'new')).getPublicKey()).toBe(added.getPublicKey());
      expect((await after.revocations()).map((r) => r.publicKey)).toEqual([old.getPublicKey()]);
      expect(await mode(join(dir, 'accounts/ORDERS/users/new.nk'))).toBe(0o600);
      expect(await mode(join(dir, 'accounts/ORDERS/users/new.pub'))).toBe(0o600);
      expect(await mode(join(dir, 'revocations.json'))).toBe(0o600);
    });

    it('creates no directory before commit', async () => {
      const staged = await KeyStore.open(dir, { staged: true });
      await staged.operator();
      await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
      await staged.commit();
      expect(await mode(dir)).toBe(0o700);
    });
  });
});
