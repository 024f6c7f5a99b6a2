import { chmod, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fmtCreds } from '@nats-io/jwt';
import { type CompiledPolicy } from '../compiler/compiled-policy.types';
import { AuthFileError } from '../errors/auth-file.error';
import { ensureDir } from '../files/ensure-dir';
import { writeFileAtomic } from '../files/write-file-atomic';
import { KEY_DIR_MODE, type KeyStore, SEED_FILE_MODE } from '../keystore/key-store';
import { renderServerConfig, type ServerConfigOptions } from '../server-config/render-server-config';
import { type AuthPaths, authPaths } from './auth-paths';

export interface WriteArtifactsOptions extends Partial<ServerConfigOptions> {
  /** @default `<dir>/resolver` */
  resolverDir?: string;
}

export interface WrittenArtifacts {
  paths: AuthPaths;
  /** Creds files written, by `ACCOUNT/user`. */
  creds: Record<string, string>;
  /** Creds files deleted because their user is gone (left the policy or was revoked). */
  removedCreds: string[];
}

/** Every file of the auth directory: creds hold seeds, and the rest is nobody else's business either. */
const FILE_MODE = SEED_FILE_MODE;
const write = (file: string, data: string | Uint8Array): Promise<void> =>
  writeFileAtomic(file, data, { mode: FILE_MODE, dirMode: KEY_DIR_MODE });

async function listFiles(dir: string, suffix: string): Promise<string[]> {
  try {
    const out: string[] = [];
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) out.push(...(await listFiles(p, suffix)));
      else if (e.name.endsWith(suffix)) out.push(p);
    }
    return out;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/**
 * Writes a compiled policy into an auth directory: `jwt/` (operator, accounts, users),
 * `creds/<ACCOUNT>/<user>.creds` and `server-auth.conf`, every file 0600 in 0700 directories (the
 * creds hold the user's seed), each replaced atomically. Creds and JWTs of users that are no longer
 * compiled are deleted.
 */
export async function writeArtifacts(
  compiled: CompiledPolicy,
  keys: KeyStore,
  dir: string,
  options: WriteArtifactsOptions = {},
): Promise<WrittenArtifacts> {
  const paths = authPaths(dir);
  // Render first: a config that cannot be written safely (a control character in a path) must
  // fail before any file is touched.
  const config = renderServerConfig(compiled, {
    ...options,
    resolverDir: options.resolverDir ?? paths.resolver,
  });
  await ensureDir(paths.root, KEY_DIR_MODE);
  // An auth directory created by an older version (or by hand) may be 0755: it holds seeds.
  await chmod(paths.root, KEY_DIR_MODE).catch((e: unknown) => {
    throw AuthFileError.from(e, 'chmod', paths.root);
  });
  await write(paths.operatorJwt, `${compiled.operator.jwt}\n`);
  for (const a of compiled.accounts) await write(paths.accountJwt(a.name), `${a.jwt}\n`);

  const creds: Record<string, string> = {};
  for (const u of compiled.users) {
    await write(paths.userJwt(u.account, u.name), `${u.jwt}\n`);
    const file = paths.creds(u.account, u.name);
    await write(file, fmtCreds(u.jwt, await keys.user(u.account, u.name)));
    creds[`${u.account}/${u.name}`] = file;
  }

  const keep = new Set(Object.values(creds));
  const removedCreds: string[] = [];
  for (const file of await listFiles(paths.credsDir, '.creds')) {
    if (!keep.has(file)) {
      await rm(file, { force: true });
      removedCreds.push(file);
    }
  }
  const keepJwt = new Set(compiled.users.map((u) => paths.userJwt(u.account, u.name)));
  for (const file of await listFiles(join(paths.jwt, 'users'), '.jwt')) {
    if (!keepJwt.has(file)) await rm(file, { force: true });
  }

  await write(paths.serverConfig, config);
  return { paths, creds, removedCreds };
}
