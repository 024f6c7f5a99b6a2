import { constants, type Dirent } from 'node:fs';
import { chmod, link, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type KeyPair } from '@nats-io/nkeys';
import { type Logger } from 'pino';
import { decodeKey, NKeyPrefixes, type NKeyRole } from '../crypto/nkey-codec';
import { NodeKeyPair } from '../crypto/node-key-pair';
import { AuthFileError } from '../errors/auth-file.error';
import { KeyStoreError } from '../errors/key-store.error';
import { ensureDir } from '../files/ensure-dir';
import { writeFileAtomic } from '../files/write-file-atomic';
import { nameSyntaxError } from '../policy/subject';

/** Mode of the key directories: only the owner may list or enter them. */
export const KEY_DIR_MODE = 0o700;
/** Mode of seed files: only the owner may read them. */
export const SEED_FILE_MODE = 0o600;

export interface KeyStoreOptions {
  /**
   * Keep keys created and revocations recorded by this instance in memory only, for dry runs
   * (`jetbus auth diff`). Existing keys are still read from disk.
   * @default false
   */
  readOnly?: boolean;
  /**
   * Keep keys created and revocations recorded in memory until `commit()` writes them: `applyPolicy`
   * commits only once compile and push succeeded, so a failed command leaves the store as it was.
   * Existing keys are still read from disk. @default false
   */
  staged?: boolean;
  /** Receives key creation and revocation events (public keys and names only). */
  logger?: Logger;
}

/** A user key the store revoked: the account JWT lists `publicKey` in its `revocations`. */
export interface RevocationRecord {
  account: string;
  user: string;
  publicKey: string;
  /** ISO 8601; JWTs of this key issued at or before it are refused. */
  revokedAt: string;
}

type KeyKind = 'operator' | 'account' | 'user';

const ROLE: Record<KeyKind, NKeyRole> = {
  operator: NKeyPrefixes.Operator,
  account: NKeyPrefixes.Account,
  user: NKeyPrefixes.User,
};
/** Seeds start with `S` then the public key's prefix letter. */
const SEED_PREFIX: Record<KeyKind, string> = { operator: 'SO', account: 'SA', user: 'SU' };
const REVOCATIONS_FILE = 'revocations.json';

const td = new TextDecoder();

function checkName(kind: string, name: string): string {
  // Names become paths: this also keeps "../" and friends out of the key directory.
  const problem = nameSyntaxError(kind, name);
  if (problem) throw new KeyStoreError(problem);
  return name;
}

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException | null)?.code === 'ENOENT';

/**
 * NKey seeds of the operator, accounts and users, one file each under one directory:
 *
 * ```
 * operator/identity.nk  operator/signing.nk           (+ .pub beside each seed)
 * accounts/<ACCOUNT>/identity.nk  accounts/<ACCOUNT>/signing.nk
 * accounts/<ACCOUNT>/users/<user>.nk
 * revocations.json
 * ```
 *
 * A key is created on first use and then read back, so compiling a policy again keeps every key
 * and the users' creds keep working. Directories are 0700 and seeds 0600; a seed readable by
 * others is refused. Identity seeds (`identity.nk`) are needed only to create the operator JWT: JWTs
 * are signed with the signing keys, so the identity seeds may be moved offline (keep the `.pub`).
 */
export class KeyStore {
  private readonly cache = new Map<string, KeyPair>();
  private readonly publicCache = new Map<string, string>();
  private readonly removed = new Set<string>();
  private revoked: RevocationRecord[] | undefined;
  /** Staged: keys created and seeds to delete, and whether revocations.json must be written. */
  private readonly pending = new Map<string, { kind: KeyKind; kp: KeyPair }>();
  private readonly pendingRemovals = new Set<string>();
  private revocationsChanged = false;

  private constructor(
    readonly dir: string,
    private readonly options: KeyStoreOptions,
  ) {}

  /** Opens (creating it 0700 unless read-only) the key directory; refuses one others can read. */
  static async open(dir: string, options: KeyStoreOptions = {}): Promise<KeyStore> {
    const store = new KeyStore(dir, options);
    if (!options.readOnly && !options.staged) await store.ensureDir(dir);
    await store.checkMode(dir, 'directory');
    return store;
  }

  get readOnly(): boolean {
    return this.options.readOnly ?? false;
  }

  /** Keys and revocations waiting for `commit()` (always false unless `staged`). */
  get hasPendingWrites(): boolean {
    return this.pending.size > 0 || this.pendingRemovals.size > 0 || this.revocationsChanged;
  }

  /**
   * Writes what a staged store kept in memory: new seeds (each atomically), the revocations, and
   * deletes the seeds of revoked keys. A no-op for a store that writes at once; refused read-only.
   */
  async commit(): Promise<void> {
    if (!this.options.staged || !this.hasPendingWrites) return;
    if (this.readOnly) throw new KeyStoreError(`the key store ${this.dir} is read-only`);
    await this.ensureDir(this.dir);
    await this.checkMode(this.dir, 'directory');
    if (this.revocationsChanged) {
      await this.writeAtomic(
        join(this.dir, REVOCATIONS_FILE),
        `${JSON.stringify(this.revoked ?? [], null, 2)}\n`,
        SEED_FILE_MODE,
      );
      this.revocationsChanged = false;
    }
    // Removals first: a rotated user's new seed takes the place of the revoked one.
    for (const ref of this.pendingRemovals) await this.unlinkKey(ref);
    this.pendingRemovals.clear();
    for (const [ref, { kind, kp }] of this.pending) {
      const stored = await this.store(kind, ref, kp);
      if (stored !== kp) {
        // Another process created this key since we read the store: our JWTs carry the wrong key.
        throw new KeyStoreError(`${ref} was created by another process meanwhile; run the command again`);
      }
      this.pending.delete(ref);
    }
  }

  /** The operator's identity key: signs the operator JWT only. */
  async operator(): Promise<KeyPair> {
    return this.key('operator', 'operator/identity');
  }

  /** Signs account JWTs; listed in the operator JWT's `signing_keys`. */
  async operatorSigningKey(): Promise<KeyPair> {
    return this.key('operator', 'operator/signing');
  }

  /** The operator's public key; works with the identity seed offline. */
  async operatorPublicKey(): Promise<string> {
    return this.publicKey('operator', 'operator/identity');
  }

  /** Whether the operator identity seed is present (else only its `.pub`). */
  async hasOperatorSeed(): Promise<boolean> {
    return (await this.readSeed('operator', 'operator/identity')) !== undefined;
  }

  /** The account's identity public key (its id); works with the identity seed offline. */
  async accountPublicKey(account: string): Promise<string> {
    return this.publicKey('account', `accounts/${checkName('account', account)}/identity`);
  }

  /** Signs the account's user JWTs and activation tokens; listed in the account JWT's `signing_keys`. */
  async accountSigningKey(account: string): Promise<KeyPair> {
    return this.key('account', `accounts/${checkName('account', account)}/signing`);
  }

  /** The user's key, created on first use. */
  async user(account: string, user: string): Promise<KeyPair> {
    return this.key('user', this.userRef(account, user));
  }

  /** The user's public key if the store holds the user, without creating it. */
  async userPublicKey(account: string, user: string): Promise<string | undefined> {
    const ref = this.userRef(account, user);
    if (this.removed.has(ref)) return undefined;
    const kp = this.cache.get(ref) ?? (await this.readSeed('user', ref));
    return kp?.getPublicKey();
  }

  /** Accounts that have keys here, sorted. */
  async accounts(): Promise<string[]> {
    const names = new Set(
      await this.list(
        'accounts',
        (e) => e.isDirectory(),
        (n) => n,
      ),
    );
    for (const ref of this.cache.keys()) {
      const m = /^accounts\/([^/]+)\//.exec(ref);
      if (m) names.add(m[1]);
    }
    return [...names].sort();
  }

  /** Users of `account` that have keys here (revoked ones excluded), sorted. */
  async users(account: string): Promise<string[]> {
    const base = `accounts/${checkName('account', account)}/users`;
    const names = new Set(
      await this.list(
        base,
        (e) => e.isFile() && e.name.endsWith('.nk'),
        (n) => n.slice(0, -3),
      ),
    );
    for (const ref of this.cache.keys())
      if (ref.startsWith(`${base}/`)) names.add(ref.slice(base.length + 1));
    return [...names].filter((u) => !this.removed.has(`${base}/${u}`)).sort();
  }

  /**
   * Revokes the user's current key: records it (the compiler puts it in the account JWT's
   * `revocations`) and deletes its seed, so the next compile issues the user, if still in the
   * policy, a fresh key and fresh creds.
   */
  async revokeUser(account: string, user: string, at: Date = new Date()): Promise<RevocationRecord> {
    const ref = this.userRef(account, user);
    const publicKey = await this.userPublicKey(account, user);
    if (!publicKey) throw new KeyStoreError(`no key for user "${user}" of account ${account} in ${this.dir}`);
    const record: RevocationRecord = { account, user, publicKey, revokedAt: at.toISOString() };
    const all = [...(await this.revocations()), record];
    this.revoked = all;
    this.cache.delete(ref);
    this.removed.add(ref);
    if (this.pending.delete(ref)) {
      // Created and revoked within one staged run: it never reached the disk.
    } else if (this.options.staged) {
      this.pendingRemovals.add(ref);
    }
    if (this.options.staged) {
      this.revocationsChanged = true;
    } else if (!this.readOnly) {
      await this.writeAtomic(
        join(this.dir, REVOCATIONS_FILE),
        `${JSON.stringify(all, null, 2)}\n`,
        SEED_FILE_MODE,
      );
      await this.unlinkKey(ref);
    }
    this.options.logger?.info({ account, user, publicKey }, 'user key revoked');
    return record;
  }

  /** Every revocation recorded, optionally of one account only. */
  async revocations(account?: string): Promise<RevocationRecord[]> {
    if (!this.revoked) {
      try {
        this.revoked = JSON.parse(
          await readFile(join(this.dir, REVOCATIONS_FILE), 'utf8'),
        ) as RevocationRecord[];
      } catch (e) {
        if (!isMissing(e))
          throw new KeyStoreError(`cannot read ${REVOCATIONS_FILE} in ${this.dir}`, { cause: e });
        this.revoked = [];
      }
    }
    return account === undefined ? [...this.revoked] : this.revoked.filter((r) => r.account === account);
  }

  private userRef(account: string, user: string): string {
    return `accounts/${checkName('account', account)}/users/${checkName('user', user)}`;
  }

  private async key(kind: KeyKind, ref: string): Promise<KeyPair> {
    const cached = this.cache.get(ref);
    if (cached) return cached;
    const existing = this.removed.has(ref) ? undefined : await this.readSeed(kind, ref);
    if (existing) {
      this.cache.set(ref, existing);
      return existing;
    }
    if (!this.removed.has(ref) && (await this.exists(`${ref}.pub`))) {
      throw new KeyStoreError(
        `the seed of ${ref} is offline (only ${ref}.pub is in ${this.dir}); restore ${ref}.nk to sign with it`,
      );
    }
    const kp = NodeKeyPair.create(ROLE[kind]);
    this.removed.delete(ref);
    if (this.options.staged && !this.readOnly) this.pending.set(ref, { kind, kp });
    const stored = this.readOnly || this.options.staged ? kp : await this.store(kind, ref, kp);
    this.cache.set(ref, stored);
    this.options.logger?.info({ key: ref, publicKey: stored.getPublicKey() }, 'key created');
    return stored;
  }

  private async publicKey(kind: KeyKind, ref: string): Promise<string> {
    const known = this.publicCache.get(ref) ?? this.cache.get(ref)?.getPublicKey();
    if (known) return known;
    try {
      const text = (await readFile(join(this.dir, `${ref}.pub`), 'utf8')).trim();
      if (decodeKey(text).prefix !== ROLE[kind]) throw new Error(`not a ${kind} key`);
      this.publicCache.set(ref, text);
      return text;
    } catch (e) {
      if (!isMissing(e))
        throw new KeyStoreError(`${ref}.pub in ${this.dir} is not a valid ${kind} public key`, { cause: e });
    }
    return (await this.key(kind, ref)).getPublicKey();
  }

  private async readSeed(kind: KeyKind, ref: string): Promise<KeyPair | undefined> {
    const file = join(this.dir, `${ref}.nk`);
    let text: string;
    try {
      await this.checkMode(file, 'seed file');
      text = (await readFile(file, 'utf8')).trim();
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
    let kp: KeyPair;
    try {
      if (!text.startsWith(SEED_PREFIX[kind])) throw new Error(`not a ${kind} seed`);
      kp = new NodeKeyPair(text);
    } catch (e) {
      // The cause would quote the seed: leave it out.
      throw new KeyStoreError(`${file} does not hold a valid ${kind} seed (${(e as Error).message})`);
    }
    return kp;
  }

  /** Writes seed and public key; when another process created the key meanwhile, keeps theirs. */
  private async store(kind: KeyKind, ref: string, kp: KeyPair): Promise<KeyPair> {
    const file = join(this.dir, `${ref}.nk`);
    await this.ensureDir(join(file, '..'));
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, `${td.decode(kp.getSeed())}\n`, { mode: SEED_FILE_MODE, flag: 'wx' });
    try {
      await chmod(tmp, SEED_FILE_MODE);
      await link(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const theirs = await this.readSeed(kind, ref);
      if (theirs) return theirs;
      throw e;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
    await this.writeAtomic(join(this.dir, `${ref}.pub`), `${kp.getPublicKey()}\n`, SEED_FILE_MODE);
    return kp;
  }

  private async unlinkKey(ref: string): Promise<void> {
    for (const ext of ['.nk', '.pub']) await unlink(join(this.dir, `${ref}${ext}`)).catch(() => undefined);
  }

  private async writeAtomic(file: string, text: string, mode: number): Promise<void> {
    await writeFileAtomic(file, text, { mode, dirMode: KEY_DIR_MODE });
  }

  private async ensureDir(dir: string): Promise<void> {
    await ensureDir(dir, KEY_DIR_MODE);
  }

  private async checkMode(path: string, what: string): Promise<void> {
    let mode: number;
    try {
      mode = (await stat(path)).mode;
    } catch (e) {
      if (isMissing(e) && what === 'directory') return;
      throw isMissing(e) ? e : AuthFileError.from(e, `read ${what}`, path);
    }
    if (mode & (constants.S_IRWXG | constants.S_IRWXO)) {
      throw new KeyStoreError(
        `${what} ${path} is accessible by other users (mode ${(mode & 0o777).toString(8)}); run: chmod ${
          what === 'directory' ? '700' : '600'
        } ${path}`,
      );
    }
  }

  private async exists(rel: string): Promise<boolean> {
    try {
      await stat(join(this.dir, rel));
      return true;
    } catch {
      return false;
    }
  }

  private async list<T>(rel: string, keep: (e: Dirent) => boolean, map: (name: string) => T): Promise<T[]> {
    try {
      const entries = await readdir(join(this.dir, rel), { withFileTypes: true });
      return entries.filter(keep).map((e) => map(e.name));
    } catch (e) {
      if (isMissing(e)) return [];
      throw e;
    }
  }
}
